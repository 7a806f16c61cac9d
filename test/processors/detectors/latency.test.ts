import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { llmCall } from '../../support/llm-call-builder.ts';
import { DetectorsConfig } from '../../../processors/detectors/config.ts';
import { createLatencyWindow } from '../../../processors/detectors/latency.ts';
import { createDetectors } from './run-detectors.ts';

let span = 0;
/** A successful call ending at endMs that took durationMs. */
const call = (endMs: number, durationMs: number, provider = 'openai', model = 'gpt-4o', outcome: 'ok' | 'error' = 'ok'): LlmCall =>
  llmCall({ spanId: (++span).toString(16).padStart(16, '0'), startMs: endMs - durationMs, endMs, provider, model, outcome });

const latencyConfig = (latency: Record<string, unknown>) =>
  DetectorsConfig.parse({ latency: { min_samples: 5, window_ms: 60_000, default_p99_ms: 1_000, ...latency } }).latency;

describe('latency SLA', () => {
  it('reports latency_degradation once when p99 crosses the SLA, though every call returned 200', async () => {
    const time = createManualTime(0);
    const processor = await createDetectors(
      { latency: { min_samples: 5, window_ms: 60_000, slas: [{ provider: 'openai', model: 'gpt-4o', p99_ms: 1_000 }] } },
      { clock: time.clock, scheduler: time.scheduler },
    );
    const flagged: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = 1_000 + i * 1_000;
      await time.advanceTo(t);
      const out = await processor.process(createBatch({ calls: [call(t, i < 5 ? 400 : 2_000)] }));
      if (out.calls[0].signals.length > 0) flagged.push(i);
    }
    expect(flagged).toEqual([5]);
  });

  it('carries p99, SLA, sample count and window in evidence', () => {
    const w = createLatencyWindow(latencyConfig({}));
    for (let i = 0; i < 4; i++) expect(w.observe(call(1_000 + i, 500))).toBeNull();
    expect(w.observe(call(2_000, 1_500))).toEqual({
      category: 'provider',
      subtype: 'latency_degradation',
      detection_method: 'latency_sla',
      confidence: 1,
      evidence: { rule: 'sla:default', p99_ms: 1_500, sla_ms: 1_000, samples: 5, window_ms: 60_000 },
      fields: {},
    });
  });

  it('waits for min_samples before judging', () => {
    const w = createLatencyWindow(latencyConfig({ min_samples: 10 }));
    const results = Array.from({ length: 10 }, (_, i) => w.observe(call(1_000 + i, 5_000)));
    expect(results.findIndex((r) => r !== null)).toBe(9);
  });

  it('re-arms only after p99 falls below rearm_ratio of the SLA, then reports the next episode', () => {
    const w = createLatencyWindow(latencyConfig({ min_samples: 1, window_ms: 10_000 }));
    let t = 0;
    const step = (duration: number) => w.observe(call((t += 11_000), duration)) !== null; // each call alone in the window
    expect(step(1_200)).toBe(true); // episode starts
    expect(step(950)).toBe(false); // below the SLA but above 90%: still the same episode
    expect(step(1_200)).toBe(false);
    expect(step(800)).toBe(false); // below 90%: re-armed
    expect(step(1_200)).toBe(true); // a new episode
  });

  it('reports a lasting episode again every reminder_ms, marked continued, and not while p99 is back under the SLA', () => {
    const w = createLatencyWindow(latencyConfig({ min_samples: 1, window_ms: 10_000, reminder_ms: 60_000 }));
    const reports: { at: number; continued: unknown }[] = [];
    // One slow call every 11 s (each alone in its window) for five minutes, then one under the SLA.
    for (let t = 11_000; t <= 300_000; t += 11_000) {
      const s = w.observe(call(t, 1_200));
      if (s) reports.push({ at: t, continued: s.evidence.continued });
    }
    expect(reports).toEqual([
      { at: 11_000, continued: undefined },
      { at: 77_000, continued: true },
      { at: 143_000, continued: true },
      { at: 209_000, continued: true },
      { at: 275_000, continued: true },
    ]);
    expect(w.observe(call(286_000 + 66_000, 950))).toBeNull(); // over 90 % of the SLA: same episode, but not slow now
    const again = w.observe(call(352_000 + 11_000, 1_200));
    expect(again?.evidence).toMatchObject({ continued: true, episode_started_at: new Date(11_000).toISOString() });
  });

  it('forgets samples that left the window (event time)', () => {
    const w = createLatencyWindow(latencyConfig({ min_samples: 3, window_ms: 10_000 }));
    w.observe(call(1_000, 5_000));
    w.observe(call(2_000, 5_000));
    // Twenty seconds later the two slow calls are out of the window: three fast calls are judged alone.
    expect([w.observe(call(22_000, 100)), w.observe(call(22_500, 100)), w.observe(call(23_000, 100))]).toEqual([null, null, null]);
  });

  it('uses the provider+model SLA over the provider SLA over the default', () => {
    const w = createLatencyWindow(
      latencyConfig({
        min_samples: 1,
        default_p99_ms: 100,
        slas: [
          { provider: 'anthropic', p99_ms: 5_000 },
          { provider: 'anthropic', model: 'claude-opus', p99_ms: 20_000 },
        ],
      }),
    );
    expect(w.observe(call(1_000, 10_000, 'anthropic', 'claude-opus'))).toBeNull();
    expect(w.observe(call(1_000, 10_000, 'anthropic', 'claude-haiku'))?.evidence).toMatchObject({ rule: 'sla:provider', sla_ms: 5_000 });
    expect(w.observe(call(1_000, 150, 'openai', 'gpt-4o'))?.evidence).toMatchObject({ rule: 'sla:default', sla_ms: 100 });
  });

  it('keys windows by provider and model, so one slow model does not flag another', () => {
    const w = createLatencyWindow(latencyConfig({ min_samples: 3 }));
    for (let i = 0; i < 3; i++) w.observe(call(1_000 + i, 5_000, 'openai', 'gpt-4o'));
    expect([0, 1, 2].map((i) => w.observe(call(1_000 + i, 200, 'openai', 'gpt-4o-mini')))).toEqual([null, null, null]);
  });

  it('ignores failed calls, which their own signals already cover', () => {
    const w = createLatencyWindow(latencyConfig({ min_samples: 1 }));
    expect(w.observe(call(1_000, 600_000, 'openai', 'gpt-4o', 'error'))).toBeNull();
  });

  it('keeps at most max_keys provider/model pairs and max_samples_per_key samples', () => {
    const w = createLatencyWindow(latencyConfig({ max_keys: 3, max_samples_per_key: 4, min_samples: 4 }));
    for (let i = 0; i < 10; i++) w.observe(call(1_000, 100, 'openai', `model-${i}`));
    expect(w.size()).toBe(3);
    // Four slow calls then four fast: with only four samples kept, the slow ones are forgotten.
    const w2 = createLatencyWindow(latencyConfig({ max_samples_per_key: 4, min_samples: 4 }));
    for (let i = 0; i < 3; i++) w2.observe(call(1_000 + i, 100));
    expect(w2.observe(call(1_010, 5_000))).not.toBeNull();
    for (let i = 0; i < 4; i++) w2.observe(call(1_020 + i, 100));
    // p99 of the last four (all fast) is under 90% of the SLA: re-armed, so the next slow call reports.
    expect(w2.observe(call(1_030, 5_000))).not.toBeNull();
  });
});
