// Which runbook an incident points to: one per category, because the first move differs —
// fail over a provider, evaluate a quality regression, trip the budget breaker, lock down on a
// security event, reindex stale data.
import { RUNBOOK_BY_CATEGORY } from '../../agent/core/model/incident.ts';
import type { Category } from '../../agent/core/model/taxonomy.ts';

export function runbookUrl(category: Category, urls: Partial<Record<Category, string>>, baseUrl: string | null): string | null {
  const configured = urls[category];
  if (configured) return configured;
  if (baseUrl === null) return null;
  return `${baseUrl.replace(/\/+$/, '')}/${RUNBOOK_BY_CATEGORY[category]}`;
}
