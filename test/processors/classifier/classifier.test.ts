import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import type { LlmCall, TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import classifier from '../../../processors/classifier/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { deepFreeze } from '../../support/deep-freeze.ts';
import { gatewayRequest, llmCall } from '../../support/llm-call-builder.ts';
import { injection, rateLimited, serverError, signal } from './signals.ts';

const TRACE = 'b'.repeat(32);

async function classify(calls: TelemetryItem[], config: Record<string, unknown> = {}, ctx = makeProcessorContext()): Promise<Batch> {
  const processor = await classifier.create(classifier.configSchema.parse(config), ctx);
  return processor.process(createBatch({ calls }));
}

const failing = (spanId: string, signals: LlmCall['signals'], extra: Partial<LlmCall> = {}): LlmCall => ({
  ...llmCall({ traceId: TRACE, spanId, outcome: 'error' }),
  signals,
  ...extra,
});

describe('classifier', () => {
  it('produces no event for a clean call', async () => {
    const out = await classify([llmCall({ spanId: '1'.repeat(16) })]);
    expect(out.events).toEqual([]);
  });

  it('builds one valid event per call with signals, passing calls through unchanged', async () => {
    const calls = [failing('1'.repeat(16), [rateLimited()]), llmCall({ spanId: '2'.repeat(16) })];
    const out = await classify(calls);
    expect(out.calls).toEqual(calls);
    expect(out.events).toHaveLength(1);
    expect(FailureEvent.parse(out.events[0])).toMatchObject({
      category: 'provider',
      subtype: 'rate_limited',
      provider: 'openai',
      model: 'gpt-4o',
      http_status: 429,
      error_class: 'RateLimitError',
      trace_id: TRACE,
      span_id: '1'.repeat(16),
      timestamp: new Date(1_500).toISOString(),
      detection_method: 'status_code',
      secondary: [],
    });
  });

  it('keeps events already in the batch', async () => {
    const first = await classify([failing('1'.repeat(16), [rateLimited()])]);
    const processor = await classifier.create(classifier.configSchema.parse({}), makeProcessorContext());
    const out = await processor.process(createBatch({ events: first.events, calls: [failing('2'.repeat(16), [serverError()])] }));
    expect(out.events.map((e) => e.subtype)).toEqual(['rate_limited', 'outage']);
  });

  it('classifies an injection on a 500 as security, with the provider failure in secondary', async () => {
    const out = await classify([failing('1'.repeat(16), [serverError(), injection()])]);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({
      category: 'security',
      subtype: 'prompt_injection',
      severity: 'P1',
      threat_type: 'prompt_injection',
      blocked: true,
      matched_pattern: 'lakera',
      confidence: 0.97,
      secondary: [{ category: 'provider', subtype: 'outage', detection_method: 'status_code' }],
    });
  });

  it('follows the category priority security → provider → cost → quality → data', async () => {
    const signals = [
      signal('data', 'stale_index', { detection_method: 'doc_age' }),
      signal('quality', 'truncation', { detection_method: 'finish_reason', fields: { confidence: 1 } }),
      signal('cost', 'budget_exceeded', { detection_method: 'error_class' }),
      rateLimited(),
    ];
    const out = await classify([failing('1'.repeat(16), signals)]);
    expect(out.events[0].subtype).toBe('rate_limited');
    expect(out.events[0].secondary.map((s) => s.subtype)).toEqual(['budget_exceeded', 'truncation', 'stale_index']);
  });

  it('prefers the more confident signal within a category, whatever the order detectors ran in', async () => {
    const a = signal('provider', 'outage', { confidence: 0.6, detection_method: 'message_pattern' });
    const b = signal('provider', 'overloaded', { confidence: 0.9, detection_method: 'message_pattern' });
    for (const signals of [
      [a, b],
      [b, a],
    ]) {
      const out = await classify([failing('1'.repeat(16), signals)]);
      expect(out.events[0].subtype).toBe('overloaded');
      expect(out.events[0].secondary).toEqual([{ category: 'provider', subtype: 'outage', detection_method: 'message_pattern' }]);
    }
  });

  it('lists a (category, subtype) in secondary once, and never the primary again', async () => {
    const signals = [
      rateLimited(),
      rateLimited({ detection_method: 'message_pattern', confidence: 0.8 }),
      signal('cost', 'retry_storm'),
      signal('cost', 'retry_storm', { detection_method: 'x' }),
    ];
    const out = await classify([failing('1'.repeat(16), signals)]);
    expect(out.events[0].secondary).toEqual([{ category: 'cost', subtype: 'retry_storm', detection_method: 'status_code' }]);
  });

  it('gives the same ids for the same input twice, and different ids per span and subtype', async () => {
    const calls = [
      failing('1'.repeat(16), [rateLimited()]),
      failing('2'.repeat(16), [rateLimited()]),
      failing('3'.repeat(16), [serverError()]),
    ];
    const a = await classify(calls);
    const b = await classify(calls);
    expect(a.events.map((e) => e.failure_id)).toEqual(b.events.map((e) => e.failure_id));
    expect(new Set(a.events.map((e) => e.failure_id)).size).toBe(3);
  });

  it('does not mutate its input', async () => {
    const batch = createBatch({ calls: [failing('1'.repeat(16), [rateLimited(), injection()])] });
    const before = structuredClone(batch);
    deepFreeze(batch);
    const processor = await classifier.create(classifier.configSchema.parse({}), makeProcessorContext());
    await processor.process(batch);
    expect(batch).toEqual(before);
  });

  it('records retries and the attempt in evidence, and counts users without storing their ids', async () => {
    const call = failing('1'.repeat(16), [rateLimited({ evidence: { message_pattern: 'Rate limit reached' } })], {
      retry: { retries: 2, maxRetries: 2, fallbacks: null },
      identity: { ...llmCall({ spanId: '1'.repeat(16) }).identity, user: 'alice@example.com', endUser: 'customer-981' },
      attempt: { number: 1, of: 2, requestOutcome: 'ok', recoveredBy: '2'.repeat(16), recoveredByModel: 'gpt-4o-mini' },
    });
    const out = await classify([call]);
    const event = out.events[0];
    expect(event.evidence).toMatchObject({
      message_pattern: 'Rate limit reached',
      retries: 2,
      max_retries: 2,
      attempt: { number: 1, of: 2, request_outcome: 'ok', recovered: true, recovered_by_model: 'gpt-4o-mini' },
    });
    expect(event.impact_scope).toEqual({ requests: 1, users: 1, teams: 1, team: 'team-42', route: null, recovered: true });
    const text = JSON.stringify(event);
    expect(text).not.toContain('alice');
    expect(text).not.toContain('customer-981');
  });

  it('reads the route from the gateway parent and raises severity on a critical route', async () => {
    const gateway = { ...gatewayRequest({ traceId: TRACE, spanId: 'f'.repeat(16), outcome: 'error' }) };
    const call = {
      ...failing('1'.repeat(16), [rateLimited()]),
      source: { ...llmCall({ traceId: TRACE, spanId: '1'.repeat(16) }).source, parentSpanId: 'f'.repeat(16) },
    };
    const plain = await classify([gateway, call]);
    const critical = await classify([gateway, call], { critical_routes: ['/chat/*'] });
    expect(plain.events[0]).toMatchObject({ severity: 'P3', impact_scope: { route: '/chat/completions', recovered: false } });
    expect(critical.events[0]).toMatchObject({ severity: 'P2', evidence: { base_severity: 'P3', severity_reasons: ['critical'] } });
  });

  it('raises severity for a critical team', async () => {
    const out = await classify([failing('1'.repeat(16), [rateLimited()])], { critical_teams: ['team-42'] });
    expect(out.events[0].severity).toBe('P2');
  });

  it('counts the blast radius of one kind over the window and raises severity past a threshold', async () => {
    const calls = ['u1', 'u2', 'u3'].map((user, i) =>
      failing(String(i + 1).repeat(16), [rateLimited()], { identity: { ...llmCall({ spanId: 'x' }).identity, user, team: `team-${i}` } }),
    );
    const out = await classify(calls, { blast_radius: { requests: 100, users: 3, teams: 100 } });
    expect(out.events.map((e) => e.impact_scope.users)).toEqual([1, 2, 3]);
    expect(out.events.map((e) => e.impact_scope.teams)).toEqual([1, 2, 3]);
    expect(out.events.map((e) => e.severity)).toEqual(['P3', 'P3', 'P2']);
  });

  it('counts attempts of one gateway request as one request', async () => {
    const gateway = gatewayRequest({ traceId: TRACE, spanId: 'f'.repeat(16), outcome: 'error' });
    const attempt = (spanId: string, startMs: number) => ({
      ...failing(spanId, [rateLimited()]),
      source: { ...llmCall({ traceId: TRACE, spanId }).source, parentSpanId: 'f'.repeat(16) },
      timing: { startMs, endMs: startMs + 100, durationMs: 100, timeToFirstTokenMs: null },
    });
    const out = await classify([gateway, attempt('1'.repeat(16), 1_000), attempt('2'.repeat(16), 1_200)]);
    expect(out.events.map((e) => e.impact_scope.requests)).toEqual([1, 1]);
  });

  it('forgets occurrences that fall out of the window', async () => {
    const at = (spanId: string, endMs: number) => ({
      ...failing(spanId, [rateLimited()]),
      timing: { startMs: endMs - 100, endMs, durationMs: 100, timeToFirstTokenMs: null },
    });
    const out = await classify([at('1'.repeat(16), 10_000), at('2'.repeat(16), 15_000), at('3'.repeat(16), 21_000)], { window_ms: 10_000 });
    expect(out.events.map((e) => e.impact_scope.requests)).toEqual([1, 2, 2]);
  });

  it('drops an event that fails validation, warns once, and keeps going', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const out = await classify(
      [
        failing('1'.repeat(16), [signal('provider', 'not_a_subtype')]),
        failing('2'.repeat(16), [signal('provider', 'also_not')]),
        failing('3'.repeat(16), [rateLimited()]),
      ],
      {},
      makeProcessorContext({ logger }),
    );
    expect(out.events.map((e) => e.subtype)).toEqual(['rate_limited']);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'Dropped a FailureEvent that failed validation.', invalid_events: 1 });
  });

  it('gives a guardrail event the provider and model of the LLM call in its trace', async () => {
    const llm = llmCall({ traceId: TRACE, spanId: '1'.repeat(16), provider: 'anthropic', model: 'claude-3-5-sonnet' });
    const guardrail: TelemetryItem = {
      kind: 'guardrail',
      source: { ...llm.source, spanId: '2'.repeat(16), spanName: 'guardrail' },
      resource: llm.resource,
      timing: llm.timing,
      outcome: 'ok',
      error: null,
      identity: llm.identity,
      signals: [injection()],
      name: 'lakera',
      mode: 'pre_call',
      status: 'guardrail_intervened',
      action: null,
      violationCategories: ['prompt_injection'],
      maskedEntityCount: null,
    };
    const out = await classify([guardrail, llm]);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({
      span_id: '2'.repeat(16),
      category: 'security',
      provider: 'anthropic',
      model: 'claude-3-5-sonnet',
    });
  });

  it('uses call time, not the clock, for the event timestamp', async () => {
    const time = createManualTime(9_999_999);
    const out = await classify([failing('1'.repeat(16), [rateLimited()])], {}, makeProcessorContext({ clock: time.clock }));
    expect(out.events[0].timestamp).toBe('1970-01-01T00:00:01.500Z');
  });
});
