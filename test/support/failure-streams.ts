// Streams of failure events with the calls they came from, shaped like what the classifier emits in
// the situations correlation is about: a fallback cascade (primary attempt fails, the fallback
// model answers badly), a provider outage, a team's budget breach, an attack campaign. Ids are
// deterministic; times are ms after T0 and every call carries its team, attempt and key.
import { failureIdForSpan, type FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import { failureEvent } from './failure-event-builder.ts';
import { llmCall } from './llm-call-builder.ts';

export const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
export const at = (ms: number) => new Date(T0 + ms).toISOString();

export interface Stream {
  events: FailureEvent[];
  calls: LlmCall[];
}

export const TEAMS = ['team-search', 'team-support', 'team-checkout', 'team-analytics'] as const;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
let serial = 0;
/** A fresh number for ids, so streams built in one test never share a trace. */
const next = () => ++serial;

export interface CallShape {
  ms: number;
  provider: string;
  model: string;
  team: string;
  outcome: 'ok' | 'error';
  attempt?: number;
  of?: number;
  traceId?: string;
  route?: string;
  key?: string;
}

export function call(shape: CallShape): LlmCall {
  const n = next();
  const c = llmCall({
    traceId: shape.traceId ?? hex(n, 32),
    spanId: hex(n, 16),
    startMs: T0 + shape.ms - 400,
    endMs: T0 + shape.ms,
    outcome: shape.outcome,
    model: shape.model,
    provider: shape.provider,
  });
  return {
    ...c,
    identity: { ...c.identity, team: shape.team, route: shape.route ?? '/chat/completions', keyHash: shape.key ?? `key-${shape.team}` },
    attempt: { number: shape.attempt ?? 1, of: shape.of ?? 1, requestOutcome: 'ok', recoveredBy: null, recoveredByModel: null },
  };
}

export interface EventShape {
  category: FailureEvent['category'];
  subtype: string;
  provider: string;
  model: string | null;
  severity?: FailureEvent['severity'];
  evidence?: Record<string, unknown>;
  secondary?: FailureEvent['secondary'];
}

/** The failure event of one call. */
export function eventOn(c: LlmCall, shape: EventShape): FailureEvent {
  const n = next();
  const extra: Record<string, unknown> = shape.category === 'provider' ? { http_status: shape.subtype === 'timeout' ? 408 : 503 } : {};
  return failureEvent(n, {
    ...extra,
    category: shape.category,
    subtype: shape.subtype,
    provider: shape.provider,
    model: shape.model,
    severity: shape.severity ?? 'P2',
    timestamp: new Date(c.timing.endMs).toISOString(),
    failure_id: failureIdForSpan(c.source.traceId, c.source.spanId, shape.category, shape.subtype),
    trace_id: c.source.traceId,
    span_id: c.source.spanId,
    evidence: { ...(shape.evidence ?? {}), attempt: { number: c.attempt?.number ?? 1 } },
    secondary: shape.secondary ?? [],
    impact_scope: { requests: 1, users: 1, teams: 1, team: c.identity.team, route: c.identity.route, recovered: null },
  });
}

/** A window-level finding (no span), e.g. a failure-rate regression over a model's calls. */
export function windowEvent(ms: number, shape: EventShape & { team?: string | null }): FailureEvent {
  const n = next();
  return failureEvent(n, {
    category: shape.category,
    subtype: shape.subtype,
    provider: shape.provider,
    model: shape.model,
    severity: shape.severity ?? 'P2',
    timestamp: at(ms),
    span_id: null,
    trace_id: hex(n, 32),
    evidence: shape.evidence ?? { rule: 'failure_rate' },
    detection_method: 'failure_rate',
    impact_scope: { requests: 40, users: 10, teams: 4, team: shape.team ?? null, route: null, recovered: null },
    ...(shape.category === 'quality' ? { confidence: 0.9 } : {}),
  });
}

/** Ordinary successful calls spread over teams, so traffic shares are known. */
export function background(fromMs: number, toMs: number, everyMs: number, models: [string, string][] = [['openai', 'gpt-4o']]): LlmCall[] {
  const out: LlmCall[] = [];
  let i = 0;
  for (let ms = fromMs; ms < toMs; ms += everyMs, i++) {
    const [provider, model] = models[i % models.length];
    // Every team calls every model.
    out.push(call({ ms, provider, model, team: TEAMS[Math.floor(i / models.length) % TEAMS.length], outcome: 'ok' }));
  }
  return out;
}

/**
 * A primary model timing out and falling back: each request's first attempt on the primary times
 * out, the second goes to the fallback, which makes up facts in every other answer; after
 * `requests` requests the fallback's failure-rate regression is found (a window-level event).
 */
export function fallbackCascade(options: {
  fromMs: number;
  requests: number;
  everyMs: number;
  primary?: [string, string];
  fallback?: [string, string];
}): Stream {
  const [pp, pm] = options.primary ?? ['openai', 'gpt-4o'];
  const [fp, fm] = options.fallback ?? ['openai', 'gpt-4o-mini'];
  const s: Stream = { events: [], calls: [] };
  for (let i = 0; i < options.requests; i++) {
    const ms = options.fromMs + i * options.everyMs;
    const traceId = hex(next(), 32);
    const team = TEAMS[i % TEAMS.length];
    const first = call({ ms, provider: pp, model: pm, team, outcome: 'error', attempt: 1, of: 2, traceId });
    const second = call({ ms: ms + 900, provider: fp, model: fm, team, outcome: 'ok', attempt: 2, of: 2, traceId });
    s.calls.push(first, second);
    s.events.push(eventOn(first, { category: 'provider', subtype: 'timeout', provider: pp, model: pm }));
    if (i % 2 === 0)
      s.events.push(eventOn(second, { category: 'quality', subtype: 'hallucination', provider: fp, model: fm, severity: 'P1' }));
  }
  s.events.push(
    windowEvent(options.fromMs + options.requests * options.everyMs, {
      category: 'quality',
      subtype: 'regression',
      provider: fp,
      model: fm,
      evidence: { rule: 'quality_failure_rate_x2', response_model_before: null, response_model_after: null },
    }),
  );
  return s;
}

/** Every call to a provider fails for a while, across the models given, on every team. */
export function outage(options: {
  fromMs: number;
  requests: number;
  everyMs: number;
  provider: string;
  models: string[];
  subtype?: string;
}): Stream {
  const s: Stream = { events: [], calls: [] };
  for (let i = 0; i < options.requests; i++) {
    const model = options.models[i % options.models.length];
    const c = call({
      ms: options.fromMs + i * options.everyMs,
      provider: options.provider,
      model,
      team: TEAMS[i % TEAMS.length],
      outcome: 'error',
    });
    s.calls.push(c);
    s.events.push(
      eventOn(c, { category: 'provider', subtype: options.subtype ?? 'outage', provider: options.provider, model, severity: 'P1' }),
    );
  }
  return s;
}

/** One team spends fast (token spikes on several models), then its requests are refused over budget. */
export function budgetBreach(options: { fromMs: number; team: string; spikes: number; refusals: number; everyMs: number }): Stream {
  const s: Stream = { events: [], calls: [] };
  const models: [string, string][] = [
    ['openai', 'gpt-4o-mini'],
    ['anthropic', 'claude-sonnet-4-5'],
    ['openai', 'gpt-4o'],
  ];
  let ms = options.fromMs;
  for (let i = 0; i < options.spikes; i++, ms += options.everyMs) {
    const [provider, model] = models[i % models.length];
    const c = call({ ms, provider, model, team: options.team, outcome: 'ok' });
    s.calls.push(c);
    s.events.push(eventOn(c, { category: 'cost', subtype: 'token_spike', provider, model, severity: 'P3' }));
  }
  for (let i = 0; i < options.refusals; i++, ms += options.everyMs) {
    const c = call({ ms, provider: 'unknown', model: 'gpt-4o', team: options.team, outcome: 'error' });
    s.calls.push(c);
    s.events.push(eventOn(c, { category: 'cost', subtype: 'budget_exceeded', provider: 'unknown', model: null, severity: 'P2' }));
  }
  return s;
}

/** Merges streams and orders them by time, as a pipeline would see them. */
export function merge(...streams: Stream[]): Stream {
  return {
    events: streams.flatMap((s) => s.events).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)),
    calls: streams.flatMap((s) => s.calls).sort((a, b) => a.timing.endMs - b.timing.endMs),
  };
}

/** The stream cut into batches of event time, each trace whole in the batch of its first call (as trace_assembler releases them). */
export function batches(stream: Stream, sliceMs: number): Stream[] {
  const traceStart = new Map<string, number>();
  for (const c of stream.calls) traceStart.set(c.source.traceId, Math.min(traceStart.get(c.source.traceId) ?? Infinity, c.timing.endMs));
  const out = new Map<number, Stream>();
  const slot = (traceId: string | null, ms: number) => {
    const k = Math.floor(((traceId !== null ? traceStart.get(traceId) : undefined) ?? ms) - T0) / sliceMs;
    const key = Math.floor(k);
    if (!out.has(key)) out.set(key, { events: [], calls: [] });
    return out.get(key)!;
  };
  for (const c of stream.calls) slot(c.source.traceId, c.timing.endMs).calls.push(c);
  for (const e of stream.events) slot(e.span_id === null ? null : e.trace_id, Date.parse(e.timestamp)).events.push(e);
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}
