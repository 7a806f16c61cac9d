// The probes receiver against a local server that answers like a provider: one request per model
// per interval (event time of the scheduler), each recorded as a synthetic call that normalize,
// the detectors and the baselines read like any other.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualTime } from '../../../../agent/core/clock.ts';
import { createBatch } from '../../../../agent/core/model/batch.ts';
import type { LlmCall } from '../../../../agent/core/model/llm-call.ts';
import probes from '../../../../agent/receivers/probes/index.ts';
import detectors from '../../../../processors/detectors/index.ts';
import normalize from '../../../../processors/normalize/index.ts';
import { createBatchSink } from '../../../support/batch-sink.ts';
import { makeProcessorContext, makeServices } from '../../../support/component-context.ts';
import { startFakeProvider, type FakeProvider } from '../../../support/fake-provider.ts';

let provider: FakeProvider | null = null;
afterEach(async () => {
  await provider?.close();
  provider = null;
});

async function startProbes(config: Record<string, unknown>) {
  const sink = createBatchSink();
  const time = createManualTime(Date.now());
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
  const receiver = await probes.create(probes.configSchema.parse(config), {
    id: 'probes',
    logger,
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    next: sink.next,
  });
  return { receiver, sink, time, lines };
}

async function until(what: string, ok: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function toCalls(spans: ReturnType<ReturnType<typeof createBatchSink>['spans']>): Promise<LlmCall[]> {
  const n = await normalize.create(normalize.configSchema.parse({}), makeProcessorContext());
  const d = await detectors.create(detectors.configSchema.parse({ quality: { enabled: false } }), makeProcessorContext());
  const out = await d.process(await n.process(createBatch({ spans })));
  return out.calls.filter((c): c is LlmCall => c.kind === 'llm');
}

describe('probes receiver', () => {
  it('asks every model once at start and once per interval, recording synthetic calls with their tokens', async () => {
    provider = await startFakeProvider();
    const { receiver, sink, time } = await startProbes({
      target: provider.url,
      api_key: 'sk-probe-secret',
      interval_ms: 60_000,
      models: [{ model: 'gpt-4o-mini' }, { model: 'claude-3-5-haiku', provider: 'anthropic' }],
    });
    await receiver.start();
    await until('the first round', () => sink.spans().length === 2);
    await time.advanceTo(time.clock.now() + 60_000);
    await until('the second round', () => sink.spans().length === 4);
    await receiver.shutdown();

    expect(provider.requests.map((r) => r.path)).toEqual(Array(4).fill('/chat/completions'));
    expect(provider.requests.every((r) => r.headers.authorization === 'Bearer sk-probe-secret')).toBe(true);
    expect(provider.requests.map((r) => r.body.max_tokens)).toEqual([5, 5, 5, 5]);
    const calls = await toCalls(sink.spans());
    expect(calls.map((c) => `${c.provider} ${c.requestModel} ${c.outcome}`).sort()).toEqual([
      'anthropic claude-3-5-haiku ok',
      'anthropic claude-3-5-haiku ok',
      'openai gpt-4o-mini ok',
      'openai gpt-4o-mini ok',
    ]);
    for (const c of calls) {
      expect(c.identity.tags).toEqual(['synthetic']);
      expect(c.tokens.input).toBe(12);
      expect(c.tokens.output).toBe(2);
      expect(c.responseModel).toBe(`${c.requestModel}-2025-01-01`);
      expect(c.timing.durationMs).toBeGreaterThan(0);
    }
  });

  it('records a 429 as a failed call the detectors call rate_limited, and keeps the key out of its logs', async () => {
    provider = await startFakeProvider({ rateLimitEvery: 1 });
    const { receiver, sink, lines } = await startProbes({
      target: `${provider.url}/v1`,
      api_key: 'sk-probe-secret',
      models: [{ model: 'gpt-4o' }],
    });
    await receiver.start();
    await until('the probe', () => sink.spans().length === 1);
    await receiver.shutdown();
    expect(provider.requests[0].path).toBe('/v1/chat/completions');
    const [call] = await toCalls(sink.spans());
    expect(call.outcome).toBe('error');
    expect(call.error?.httpStatus).toBe(429);
    expect(call.signals.map((s) => s.subtype)).toContain('rate_limited');
    expect(lines.join('')).not.toContain('sk-probe-secret');
  });

  it('records a provider that does not answer as a timeout', async () => {
    provider = await startFakeProvider();
    provider.setHanging(true);
    const { receiver, sink } = await startProbes({ target: provider.url, timeout_ms: 200, models: [{ model: 'gemini-2.5-flash' }] });
    await receiver.start();
    await until('the probe', () => sink.spans().length === 1);
    await receiver.shutdown();
    const span = sink.spans()[0];
    expect(span.attributes['error.type']).toBe('timeout');
    expect(span.attributes['gen_ai.provider.name']).toBe('gcp.gemini');
    const [call] = await toCalls([span]);
    expect(call.outcome).toBe('error');
  });
});
