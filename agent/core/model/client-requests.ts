// The client requests of a batch, as SLIs and impact count them: one per gateway request (its
// attempts — retries and fallbacks — folded together, the last attempt deciding the answer), one
// per LLM call that is not an attempt, and one per gateway span the proxy answered itself (a
// refused request with nothing under it). Only answer-producing operations count (chat,
// completions, generate_content). Needs trace_assembler upstream, which releases a trace whole.
import type { Batch } from './batch.ts';
import type { FailureEvent } from './failure-event.ts';
import type { GatewayRequest, LlmCall } from './llm-call.ts';

const ANSWER_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);

export interface RequestFacts {
  traceId: string;
  /** The attempts, oldest first (empty for a request the proxy answered itself). */
  attempts: readonly LlmCall[];
  endMs: number;
  durationMs: number;
  provider: string;
  /** The requested model (as failure events name it), and the model group when the gateway has one. */
  model: string | null;
  modelGroup: string | null;
  route: string | null;
  team: string | null;
  teamAlias: string | null;
  /** Who sent it (end user, else the key's user), for counting distinct users in memory; never put out. */
  user: string | null;
  /** The request got an answer (its last attempt succeeded). */
  answered: boolean;
  /** HTTP status of a failed request, when known. */
  httpStatus: number | null;
  ttftMs: number | null;
  outputTokens: number | null;
  /** Cost of every attempt. */
  spendUsd: number;
  /** Cost of the attempts that failed. */
  failedSpendUsd: number;
  /** Quality findings on the answer (call-level signals of the answering attempt). */
  qualitySubtypes: readonly string[];
  /** Failure events about this request's spans in the batch. */
  failureIds: readonly { failure_id: string; occurred_at: string }[];
}

/** Client errors the request itself caused (bad request, budget, guardrail…): 4xx but timeouts and throttling. */
export function isClientError(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

const costOf = (c: LlmCall) => (c.cost.totalUsd !== null && c.cost.totalUsd > 0 ? c.cost.totalUsd : 0);

const NONE: readonly never[] = Object.freeze([]);
const byStart = (a: LlmCall, b: LlmCall) => a.timing.startMs - b.timing.startMs;

export function requestsOf(batch: Batch): RequestFacts[] {
  const calls = batch.calls;
  if (calls.length === 0) return [];
  const eventsBySpan = new Map<string, FailureEvent[]>();
  for (const e of batch.events) {
    if (e.span_id === null) continue;
    const list = eventsBySpan.get(e.span_id);
    if (list) list.push(e);
    else eventsBySpan.set(e.span_id, [e]);
  }
  const gateways = new Map<string, GatewayRequest>();
  for (const c of calls) if (c.kind === 'gateway_request') gateways.set(c.source.spanId, c);
  // A request's attempts, grouped by trace and gateway span (else by call id): under a gateway of
  // the same trace by the gateway itself, so most calls need no key built; groups in order of first attempt.
  const groups: LlmCall[][] = [];
  const underGateway = new Map<GatewayRequest, LlmCall[]>();
  const byKey = new Map<string, LlmCall[]>();
  const out: RequestFacts[] = [];
  /** Gateway spans with any span under them: the proxy did not answer those alone. */
  const parents = new Set<GatewayRequest>();
  for (const c of calls) {
    if (c.kind === 'gateway_request') continue;
    const gateway = gateways.get(c.source.parentSpanId);
    if (gateway) parents.add(gateway);
    if (c.kind !== 'llm' || !ANSWER_OPERATIONS.has(c.operation)) continue;
    if (!c.attempt) {
      out.push(factsOf([c], gateway ?? null, eventsBySpan));
      continue;
    }
    let group: LlmCall[] | undefined;
    if (gateway && gateway.source.traceId === c.source.traceId) {
      group = underGateway.get(gateway);
      if (!group) underGateway.set(gateway, (group = []));
    } else {
      const key = `${c.source.traceId}/${gateway ? c.source.parentSpanId : (c.callId ?? c.source.parentSpanId)}`;
      group = byKey.get(key);
      if (!group) byKey.set(key, (group = []));
    }
    if (group.length === 0) groups.push(group);
    group.push(c);
  }
  for (const group of groups) {
    group.sort(byStart);
    out.push(factsOf(group, gateways.get(group[0].source.parentSpanId) ?? null, eventsBySpan));
  }
  // The proxy's own answers: a gateway span with nothing under it (refused before any call).
  for (const g of gateways.values()) {
    if (parents.has(g)) continue;
    out.push(gatewayOnly(g, eventsBySpan));
  }
  return out;
}

function factsOf(group: LlmCall[], gateway: GatewayRequest | null, eventsBySpan: Map<string, FailureEvent[]>): RequestFacts {
  const last = group[group.length - 1];
  const first = group[0];
  let spend = 0;
  let failedSpend = 0;
  let failureIds: { failure_id: string; occurred_at: string }[] | null = null;
  for (const c of group) {
    const cost = costOf(c);
    spend += cost;
    if (c.outcome === 'error') failedSpend += cost;
    if (eventsBySpan.size === 0) continue;
    for (const e of eventsBySpan.get(c.source.spanId) ?? NONE)
      (failureIds ??= []).push({ failure_id: e.failure_id, occurred_at: e.timestamp });
  }
  if (gateway && eventsBySpan.size > 0)
    for (const e of eventsBySpan.get(gateway.source.spanId) ?? NONE)
      (failureIds ??= []).push({ failure_id: e.failure_id, occurred_at: e.timestamp });
  const answered = (last.attempt?.requestOutcome ?? last.outcome) === 'ok' && last.outcome === 'ok';
  let quality: string[] | null = null;
  if (answered) for (const s of last.signals) if (s.category === 'quality' && !s.window) (quality ??= []).push(s.subtype);
  const startMs = gateway ? Math.min(gateway.timing.startMs, first.timing.startMs) : first.timing.startMs;
  const endMs = gateway ? Math.max(gateway.timing.endMs, last.timing.endMs) : last.timing.endMs;
  return {
    traceId: last.source.traceId,
    attempts: group,
    endMs,
    durationMs: Math.max(0, endMs - startMs),
    provider: last.provider,
    model: first.requestModel ?? first.modelGroup ?? last.responseModel,
    modelGroup: first.modelGroup,
    route: last.identity.route ?? gateway?.route ?? gateway?.identity.route ?? null,
    team: last.identity.team,
    teamAlias: last.identity.teamAlias,
    user: last.identity.endUser ?? last.identity.user,
    answered,
    httpStatus: answered ? null : (last.error?.httpStatus ?? gateway?.httpStatus ?? null),
    ttftMs: last.timing.timeToFirstTokenMs,
    outputTokens: last.tokens.output,
    spendUsd: spend,
    failedSpendUsd: failedSpend,
    qualitySubtypes: quality ?? NONE,
    failureIds: failureIds ?? NONE,
  };
}

function gatewayOnly(g: GatewayRequest, eventsBySpan: Map<string, FailureEvent[]>): RequestFacts {
  return {
    traceId: g.source.traceId,
    attempts: [],
    endMs: g.timing.endMs,
    durationMs: g.timing.durationMs,
    provider: g.error?.provider ?? 'unknown',
    model: null,
    modelGroup: null,
    route: g.identity.route ?? g.route,
    team: g.identity.team,
    teamAlias: g.identity.teamAlias,
    user: g.identity.endUser ?? g.identity.user,
    answered: g.outcome === 'ok',
    httpStatus: g.outcome === 'ok' ? null : (g.httpStatus ?? g.error?.httpStatus ?? null),
    ttftMs: null,
    outputTokens: null,
    spendUsd: 0,
    failedSpendUsd: 0,
    qualitySubtypes: NONE,
    failureIds: eventsBySpan.get(g.source.spanId)?.map((e) => ({ failure_id: e.failure_id, occurred_at: e.timestamp })) ?? NONE,
  };
}
