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

/** Wall-clock epoch milliseconds, comparable across threads (each has its own timeOrigin): what deadlines are in. */
export const wallClockMs = (): number => performance.timeOrigin + performance.now();

/** A list of jobs as the pool posts it to a worker: the batch waits for them until `deadline` (epoch ms). */
export interface JobList {
  readonly deadline: number;
  readonly jobs: readonly { readonly id: number; readonly job: ExpensiveJob }[];
}

/** What a worker posts back: that it has loaded, or the answers to one list, all at once. */
export type WorkerReply = { readonly ready: true } | { readonly answers: readonly { id: number; result: ExpensiveResult | null }[] };

/**
 * Each job's answer in turn, as soon as it is done; null for a job that failed, and for one still
 * waiting when the deadline has passed: its batch has stopped waiting and counted it dropped, and
 * running it anyway would push the next batch's checks past their budget too (under a burst every
 * batch would then miss, not just the first).
 */
export function* answerJobs(list: JobList, now: () => number): Generator<{ id: number; result: ExpensiveResult | null }> {
  for (const { id, job } of list.jobs) {
    if (now() > list.deadline) {
      yield { id, result: null };
      continue;
    }
    let result: ExpensiveResult | null;
    try {
      result = runExpensiveChecks(job);
    } catch {
      result = null; // counted as dropped by the pool; one bad input must not end the worker
    }
    yield { id, result };
  }
}

export const checksOf = (job: ExpensiveJob): CheckName[] => [
  ...(job.language ? ['language' as const] : []),
  ...(job.entities ? ['entities' as const] : []),
];
