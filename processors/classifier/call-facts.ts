// What the classifier reads off a call, whatever its kind: who and what it was about (provider,
// model, team, route, a hashed user), which client request it belonged to, and whether that
// request recovered. Non-LLM items (guardrails, gateway requests, retrievals) borrow provider and
// model from an LLM call of the same trace when the batch holds one.
import { createHash } from 'node:crypto';
import type { GatewayRequest, LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';

export type Recovery = 'recovered' | 'failed' | 'unknown';

export interface CallFacts {
  readonly provider: string;
  readonly model: string | null;
  readonly team: string | null;
  readonly route: string | null;
  /** sha256 of the end user (or user) id, shortened; never the id itself. */
  readonly userHash: string | null;
  /** Attempts of one client request share this key. */
  readonly requestKey: string;
  readonly recovery: Recovery;
  readonly endMs: number;
}

/** Per-batch lookups: gateway requests by span, and the first LLM call of each trace. */
export interface BatchIndex {
  readonly gateways: ReadonlyMap<string, GatewayRequest>;
  readonly llmByTrace: ReadonlyMap<string, LlmCall>;
}

export function indexBatch(items: readonly TelemetryItem[]): BatchIndex {
  const gateways = new Map<string, GatewayRequest>();
  const llmByTrace = new Map<string, LlmCall>();
  for (const item of items) {
    if (item.kind === 'gateway_request') gateways.set(`${item.source.traceId}/${item.source.spanId}`, item);
    else if (item.kind === 'llm' && !llmByTrace.has(item.source.traceId)) llmByTrace.set(item.source.traceId, item);
  }
  return { gateways, llmByTrace };
}

export function readCallFacts(item: TelemetryItem, index: BatchIndex, noFallbackSubtype: boolean): CallFacts {
  const gateway = index.gateways.get(`${item.source.traceId}/${item.source.parentSpanId}`);
  const subject = subjectOf(item, index);
  const user = item.identity.endUser ?? item.identity.user ?? gateway?.identity.endUser ?? gateway?.identity.user ?? null;
  return {
    provider: subject.provider,
    model: subject.model,
    team: item.identity.team ?? item.identity.teamAlias ?? gateway?.identity.team ?? null,
    route:
      item.identity.route ?? (item.kind === 'gateway_request' ? item.route : null) ?? gateway?.route ?? gateway?.identity.route ?? null,
    userHash: user ? hashUser(user) : null,
    requestKey: requestKeyOf(item, gateway),
    recovery: recoveryOf(item, gateway, noFallbackSubtype),
    endMs: item.timing.endMs,
  };
}

export function hashUser(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

function subjectOf(item: TelemetryItem, index: BatchIndex): { provider: string; model: string | null } {
  if (item.kind === 'llm') return { provider: item.provider || 'unknown', model: item.requestModel ?? item.responseModel };
  if (item.kind === 'embedding') return { provider: item.provider || 'unknown', model: item.requestModel };
  const llm = index.llmByTrace.get(item.source.traceId);
  if (llm) return { provider: llm.provider || 'unknown', model: llm.requestModel ?? llm.responseModel };
  return { provider: item.error?.provider || 'unknown', model: null };
}

function requestKeyOf(item: TelemetryItem, gateway: GatewayRequest | undefined): string {
  const { traceId, spanId, parentSpanId } = item.source;
  if (gateway) return `${traceId}/${parentSpanId}`;
  if (item.kind === 'llm' && item.callId) return `call/${item.callId}`;
  return `${traceId}/${spanId}`;
}

// Failover working = the client request still succeeded after this failure. A request that failed,
// or a model group with no healthy deployment, had no working fallback.
function recoveryOf(item: TelemetryItem, gateway: GatewayRequest | undefined, noFallbackSubtype: boolean): Recovery {
  if (item.kind === 'llm' && item.outcome === 'error') {
    const requestOutcome = item.attempt?.requestOutcome ?? gateway?.outcome ?? null;
    if (item.attempt?.recoveredBy || requestOutcome === 'ok') return 'recovered';
    if (requestOutcome === 'error') return 'failed';
  }
  if (item.kind === 'gateway_request' && item.outcome === 'error') return 'failed';
  return noFallbackSubtype ? 'failed' : 'unknown';
}
