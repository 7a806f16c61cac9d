// How each SLI judges one client request: whether it is an event of the SLI at all, how much it
// weighs (1, or its spend in USD for cost_per_answer) and how much of that is bad.
import type { SliSpec, SloFilters } from '../../agent/core/model/slo.ts';
import { isClientError, type RequestFacts } from '../../agent/core/model/client-requests.ts';

export interface Verdict {
  /** Event weight (0: not an event of this SLI). */
  total: number;
  /** Bad part of the weight. */
  bad: number;
}

const NONE: Verdict = { total: 0, bad: 0 };
const GOOD: Verdict = { total: 1, bad: 0 };
const BAD: Verdict = { total: 1, bad: 1 };

const HALLUCINATION = new Set(['hallucination', 'low_faithfulness']);
const REFUSAL = new Set(['refusal', 'safety_block']);

export function judge(sli: SliSpec, r: RequestFacts): Verdict {
  switch (sli.kind) {
    case 'availability':
      if (!r.answered && isClientError(r.httpStatus) && !sli.count_client_errors) return NONE;
      return r.answered ? GOOD : BAD;
    case 'goodput': {
      if (!r.answered) return isClientError(r.httpStatus) ? NONE : BAD;
      if (sli.quality && r.qualitySubtypes.length > 0) return BAD;
      return isTimely(sli, r) ? GOOD : BAD;
    }
    case 'latency':
      if (!r.answered) return NONE;
      return r.durationMs > sli.threshold_ms ? BAD : GOOD;
    case 'hallucination_rate':
      if (!r.answered) return NONE;
      return r.qualitySubtypes.some((s) => HALLUCINATION.has(s)) ? BAD : GOOD;
    case 'refusal_rate':
      if (!r.answered) return NONE;
      return r.qualitySubtypes.some((s) => REFUSAL.has(s)) ? BAD : GOOD;
    case 'cost_per_answer': {
      const spend = r.spendUsd;
      if (spend <= 0) return NONE;
      // Spend that bought no usable answer is all bad; an answer is bad for what it cost above the
      // target, and at least for the attempts that failed on the way.
      if (!r.answered || r.qualitySubtypes.length > 0) return { total: spend, bad: spend };
      return { total: spend, bad: Math.min(spend, Math.max(r.failedSpendUsd, spend - sli.max_usd)) };
    }
  }
}

/** Within the token-timing targets: first token and time per output token when streaming, else the whole answer. */
function isTimely(sli: Extract<SliSpec, { kind: 'goodput' }>, r: RequestFacts): boolean {
  if (r.ttftMs === null) return sli.latency_ms === null || r.durationMs <= sli.latency_ms;
  if (sli.ttft_ms !== null && r.ttftMs > sli.ttft_ms) return false;
  if (sli.tpot_ms !== null && r.outputTokens !== null && r.outputTokens > 1) {
    const tpot = Math.max(0, r.durationMs - r.ttftMs) / (r.outputTokens - 1);
    if (tpot > sli.tpot_ms) return false;
  }
  return true;
}

/** Whether the SLO's filters cover the request (AND across filters, OR within one). */
export function covers(filters: SloFilters, r: RequestFacts): boolean {
  if (filters.routes.length > 0 && (r.route === null || !filters.routes.includes(r.route))) return false;
  if (
    filters.teams.length > 0 &&
    !((r.team !== null && filters.teams.includes(r.team)) || (r.teamAlias !== null && filters.teams.includes(r.teamAlias)))
  )
    return false;
  if (
    filters.models.length > 0 &&
    !((r.model !== null && filters.models.includes(r.model)) || (r.modelGroup !== null && filters.models.includes(r.modelGroup)))
  )
    return false;
  if (filters.providers.length > 0 && !filters.providers.includes(r.provider)) return false;
  return true;
}
