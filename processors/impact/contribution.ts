// What one failure adds to the subjects it belongs to: the request and who sent it, what it cost
// and wasted, its quality finding and the error budget it burnt. Built from the event and the calls
// it is about (its own call, and the attempts after it on the same request), held while incidents
// and clusters may still count it.
import type { CostFailure, FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { Identity, LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import type { Prices } from './prices.ts';
import { parseIsoTime } from './iso-time.ts';
import { excessShare } from './spike-episodes.ts';

export interface SlaShare {
  bad: number;
  consumed: number;
}

export interface Contribution {
  readonly failureId: string;
  readonly timestamp: string;
  readonly ms: number;
  readonly category: FailureEvent['category'];
  readonly subtype: string;
  readonly severity: Severity;
  readonly provider: string;
  readonly model: string | null;
  /** The client request (trace) for a call's failure; null for a window-level one. */
  readonly request: string | null;
  /** Requests a window-level failure reports itself (an SLO burn: bad requests since its previous burn event). */
  readonly windowRequests: number;
  readonly windowUsers: number;
  readonly user: string | null;
  readonly endUser: string | null;
  readonly team: string | null;
  readonly route: string | null;
  readonly spent: number;
  /** Waste of its own call; episodes add episodeWaste. */
  readonly ownWaste: number;
  episodeWaste: number;
  readonly failed: number;
  readonly retry: number;
  readonly fallbackExtra: number;
  /** Spend above a budget, for the budget's scope (not additive across failures of one scope). */
  readonly overage: { scope: string; usd: number } | null;
  readonly qualitySubtype: string | null;
  readonly sla: Map<string, SlaShare>;
  /** Subjects (incident or cluster aggregates) it was added to, so a later change reaches them. */
  readonly subjects: Set<object>;
}

const costOf = (c: LlmCall | null | undefined) => (c && c.cost.totalUsd !== null && c.cost.totalUsd > 0 ? c.cost.totalUsd : 0);

/** Quality findings that reject an answer (a regression or an SLO burn is about many answers, not this one). */
const REJECTING = (e: FailureEvent) => e.category === 'quality' && e.subtype !== 'regression' && e.subtype !== 'slo_burn';

/**
 * The waste of the failure's own call. A failed attempt's cost bought nothing; neither did an
 * answer a quality check rejected or a security finding made unusable. A cost failure wastes what
 * it says is above the usual: an oversized request's excess tokens, a budget's overage, a loop's
 * or retry storm's repeated call; a spend spike's waste is its episode's (spike-episodes.ts).
 */
export function ownWasteOf(event: FailureEvent, call: LlmCall | null): number {
  const cost = costOf(call);
  if (cost === 0) return 0;
  if (call!.outcome === 'error') return cost;
  if (REJECTING(event) || event.category === 'security') return cost;
  if (event.category !== 'cost') return 0;
  switch (event.subtype) {
    case 'token_spike':
    case 'cache_miss_storm': {
      const usual = numberIn(event.evidence, 'baseline');
      const observed = numberIn(event.evidence, 'observed');
      return usual !== null && observed !== null ? cost * excessShare(usual, observed) : 0;
    }
    case 'agent_loop':
    case 'retry_storm':
      return cost;
    case 'budget_exceeded':
    case 'batch_cost_overrun':
      return Math.min(cost, overageOf(event as CostFailure)?.usd ?? 0);
    default:
      return 0;
  }
}

export function overageOf(event: CostFailure): { scope: string; usd: number } | null {
  const usd =
    event.overage_usd ?? (event.cost_usd !== null && event.budget_usd !== null ? Math.max(0, event.cost_usd - event.budget_usd) : null);
  if (usd === null || usd <= 0) return null;
  const key = typeof event.evidence.key === 'string' ? event.evidence.key : (event.impact_scope.team ?? '');
  return { scope: `${event.subtype}/${key}`, usd };
}

/** What the attempts after a failed one cost: the retry or fallback it caused (the next attempt), and a fallback's premium. */
export function recoveryCost(call: LlmCall | null, next: LlmCall | null, prices: Prices): { retry: number; fallbackExtra: number } {
  if (!call || call.outcome !== 'error' || !next) return { retry: 0, fallbackExtra: 0 };
  const retry = costOf(next);
  if (!next.attempt?.fallback || next.outcome !== 'ok' || retry === 0) return { retry, fallbackExtra: 0 };
  const primary = call.requestModel ?? call.modelGroup;
  const atPrimary = primary === null ? null : prices.priceOf(primary, next.tokens.input ?? 0, next.tokens.output ?? 0);
  return { retry, fallbackExtra: atPrimary === null ? 0 : Math.max(0, retry - atPrimary) };
}

function numberIn(evidence: Record<string, unknown>, key: string): number | null {
  const v = evidence[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function contributionOf(
  event: FailureEvent,
  call: LlmCall | null,
  next: LlmCall | null,
  prices: Prices,
  sla: Map<string, SlaShare>,
  /** Who sent it when the failure is not about an LLM call (a request the proxy refused). */
  sender: Identity | null = null,
): Contribution {
  const who = call ? call.identity : sender;
  const recovery = recoveryCost(call, next, prices);
  const spent = costOf(call);
  return {
    failureId: event.failure_id,
    timestamp: event.timestamp,
    ms: parseIsoTime(event.timestamp),
    category: event.category,
    subtype: event.subtype,
    severity: event.severity,
    provider: event.provider,
    model: event.model,
    request: event.span_id !== null ? event.trace_id : null,
    windowRequests: event.span_id === null ? event.impact_scope.requests : 0,
    windowUsers: event.span_id === null ? event.impact_scope.users : 0,
    user: who ? (who.endUser ?? who.user) : null,
    endUser: who ? who.endUser : null,
    team: event.impact_scope.team,
    route: event.impact_scope.route,
    spent,
    ownWaste: ownWasteOf(event, call),
    episodeWaste: 0,
    failed: call && call.outcome === 'error' ? spent : 0,
    retry: recovery.retry,
    fallbackExtra: recovery.fallbackExtra,
    overage: event.category === 'cost' ? overageOf(event) : null,
    qualitySubtype: REJECTING(event) ? event.subtype : null,
    sla,
    subjects: new Set(),
  };
}
