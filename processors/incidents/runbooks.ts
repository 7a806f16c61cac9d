// Which runbook an incident points to: one per category, because the first move differs —
// fail over a provider, evaluate a quality regression, trip the budget breaker, lock down on a
// security event, reindex stale data.
import type { Category } from '../../agent/model/taxonomy.ts';

export const RUNBOOK_NAMES: Record<Category, string> = {
  provider: 'failover',
  quality: 'evaluation',
  cost: 'circuit-breaker',
  security: 'lockdown',
  data: 'reindex',
};

export function runbookUrl(category: Category, urls: Partial<Record<Category, string>>, baseUrl: string | null): string | null {
  const configured = urls[category];
  if (configured) return configured;
  if (baseUrl === null) return null;
  return `${baseUrl.replace(/\/+$/, '')}/${RUNBOOK_NAMES[category]}`;
}
