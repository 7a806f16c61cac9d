// The checks too slow for the event loop (language identification ~1 ms per KB, entity extraction
// over the answer and context), as plain data in and out, so the same function runs in a worker
// thread (check-worker.ts) or inline when workers.threads is 0.
import { screenEntities, type EntityTally } from './entities.ts';
import { compareLanguages, type LanguageInput, type LanguageLimits, type LanguageResult } from './language.ts';

export type CheckName = 'language' | 'entities';

export interface ExpensiveJob {
  readonly language?: LanguageInput & LanguageLimits;
  readonly entities?: { readonly answer: string; readonly foldedContext: string };
}

export interface ExpensiveResult {
  readonly language?: LanguageResult;
  readonly entities?: EntityTally;
}

export function runExpensiveChecks(job: ExpensiveJob): ExpensiveResult {
  const out: { language?: LanguageResult; entities?: EntityTally } = {};
  if (job.language !== undefined) out.language = compareLanguages(job.language, job.language);
  if (job.entities !== undefined) out.entities = screenEntities(job.entities.answer, job.entities.foldedContext);
  return out;
}

export const checksOf = (job: ExpensiveJob): CheckName[] => [...(job.language ? ['language' as const] : []), ...(job.entities ? ['entities' as const] : [])];
