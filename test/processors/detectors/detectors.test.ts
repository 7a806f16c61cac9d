import { describe, expect, it } from 'vitest';
import detectors from '../../../processors/detectors/index.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { Signal } from '../../../agent/core/model/signal.ts';
import { isSubtypeOf } from '../../../agent/core/model/taxonomy.ts';
import { e1Success, e2RateLimited, e3Overloaded, e4SafetyBlock, guardrailIntervened } from '../../fixtures/spans/litellm-v1.ts';
import * as f from '../../fixtures/spans/litellm-failures.ts';
import { deepFreeze } from '../../support/deep-freeze.ts';
import { llmCall } from '../../support/llm-call-builder.ts';
import { runNormalize } from '../normalize/run-normalize.ts';
import { createDetectors, detectItems } from './run-detectors.ts';

describe('detectors processor', () => {
  it('does not mutate its input and returns new objects for the calls it flags', async () => {
    const normalized = await runNormalize([e1Success.input, e2RateLimited.input, e3Overloaded.input, guardrailIntervened]);
    const batch = deepFreeze(createBatch({ calls: normalized.calls }));
    const before = structuredClone(batch);
    const out = await (await createDetectors()).process(batch);
    expect(batch).toEqual(before);
    expect(out.calls[0]).toBe(batch.calls[0]); // clean call passed as is
    expect(out.calls[1]).not.toBe(batch.calls[1]);
    expect(out.calls[1].signals).toHaveLength(1);
    expect(batch.calls[1].signals).toEqual([]);
  });

  it('keeps signals earlier processors attached and appends its own', async () => {
    const earlier: Signal = {
      category: 'quality',
      subtype: 'refusal',
      detection_method: 'message_pattern',
      confidence: 0.6,
      evidence: {},
      fields: {},
    };
    const [call] = (await runNormalize([e2RateLimited.input])).calls;
    const out = await (await createDetectors()).process(createBatch({ calls: [{ ...call, signals: [earlier] }] }));
    expect(out.calls[0].signals.map((s) => s.subtype)).toEqual(['refusal', 'rate_limited']);
  });

  it('passes the other lanes through untouched', async () => {
    const content = [
      {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        timeMs: 1,
        eventName: 'gen_ai.choice',
        systemPrompt: null,
        inputMessages: [],
        outputMessages: [],
      },
    ];
    const batch = createBatch({ calls: [llmCall({ spanId: '1'.repeat(16) })], content });
    const out = await (await createDetectors()).process(batch);
    expect(out.content).toBe(batch.content);
    expect(out.events).toBe(batch.events);
  });

  it('emits only valid signals whose subtype belongs to their category', async () => {
    const spans = [
      e2RateLimited.input,
      e3Overloaded.input,
      e4SafetyBlock.input,
      guardrailIntervened,
      ...Object.values(f).filter((v): v is typeof e1Success.input => typeof v === 'object' && v !== null && 'attributes' in v),
    ];
    const items = await detectItems(spans);
    const signals = items.flatMap((i) => i.signals);
    expect(signals.length).toBeGreaterThan(30);
    for (const s of signals) {
      expect(Signal.safeParse(s).success, `${s.category}/${s.subtype}`).toBe(true);
      expect(isSubtypeOf(s.category, s.subtype), `${s.category}/${s.subtype}`).toBe(true);
    }
  });

  it('never puts the raw error message, an API key or an email address into a signal', async () => {
    for (const input of [f.providerBadKey, f.proxyInvalidKey]) {
      const text = JSON.stringify(await detectItems([input]));
      const signals = JSON.stringify((await detectItems([input])).map((i) => i.signals));
      expect(text).toContain(f.PROXY_KEY); // the call itself still holds the message…
      expect(signals).not.toContain('sk-');
      expect(signals).not.toContain(f.PROXY_KEY.slice(8, 20));
      expect(signals).not.toContain('@example.com');
      expect(signals).not.toMatch(/Incorrect API key|Invalid proxy server token/);
      expect(signals).not.toBe('[[]]');
    }
  });

  it('drops an error code shaped like a key from evidence', async () => {
    const input = f.litellmFailure({
      provider: 'openai',
      status: 401,
      code: f.PROXY_KEY,
      type: 'AuthenticationError',
      message: 'OpenAIException - bad key',
    });
    const [item] = await detectItems([input]);
    expect(item.signals).toHaveLength(1);
    expect(JSON.stringify(item.signals)).not.toContain('sk-');
  });
});

describe('detectors config', () => {
  it('works out of the box with documented defaults', () => {
    const config = detectors.configSchema.parse({});
    expect(config).toMatchObject({
      headroom_ratio: 0.1,
      families: { openai: true, anthropic: true, gemini: true, gateway: true, latency: true },
    });
    expect(config.latency).toEqual({
      window_ms: 300_000,
      min_samples: 20,
      default_p99_ms: 30_000,
      rearm_ratio: 0.9,
      reminder_ms: 120_000,
      slas: [],
      max_samples_per_key: 1_000,
      max_keys: 1_000,
    });
  });

  it('rejects unknown keys, also inside latency and families', () => {
    expect(detectors.configSchema.safeParse({ nope: 1 }).success).toBe(false);
    expect(detectors.configSchema.safeParse({ latency: { nope: 1 } }).success).toBe(false);
    expect(detectors.configSchema.safeParse({ families: { mistral: true } }).success).toBe(false);
  });

  it('rejects a headroom_ratio outside (0, 1) naming the field', () => {
    const r = detectors.configSchema.safeParse({ headroom_ratio: 1.5 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['headroom_ratio'], message: expect.stringContaining('ratio between 0 and 1') });
  });

  it('rejects a window that is not whole positive milliseconds', () => {
    const r = detectors.configSchema.safeParse({ latency: { window_ms: '5m' } });
    expect(r.error?.issues[0]).toMatchObject({ path: ['latency', 'window_ms'], message: 'expected a positive integer (milliseconds)' });
  });

  it('rejects two SLAs for the same provider and model, pointing at the second', () => {
    const r = detectors.configSchema.safeParse({
      latency: {
        slas: [
          { provider: 'openai', p99_ms: 1 },
          { provider: 'openai', p99_ms: 2 },
        ],
      },
    });
    expect(r.error?.issues[0]).toMatchObject({ path: ['latency', 'slas', 1], message: 'duplicate SLA for openai/*' });
  });

  it('turns latency detection off with families.latency: false', async () => {
    const processor = await createDetectors({ families: { latency: false }, latency: { min_samples: 1, default_p99_ms: 1 } });
    const out = await processor.process(createBatch({ calls: [llmCall({ spanId: '2'.repeat(16) })] }));
    expect(out.calls[0].signals).toEqual([]);
    const on = await createDetectors({ latency: { min_samples: 1, default_p99_ms: 1 } });
    expect(
      (await on.process(createBatch({ calls: [llmCall({ spanId: '2'.repeat(16) })] }))).calls[0].signals.map((s) => s.subtype),
    ).toEqual(['latency_degradation']);
  });
});
