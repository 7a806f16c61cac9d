// The worker pool behind the expensive quality checks, with real worker threads (started from
// TypeScript through check-worker.js) and a real OpenTelemetry meter: results come back from the
// worker, a full queue or an exhausted budget drops checks and counts them per check, the depth
// gauge follows the queue, and shutdown ends the workers.
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import type { Processor } from '../../../../agent/core/component.ts';
import { createBatch } from '../../../../agent/core/model/batch.ts';
import type { Signal } from '../../../../agent/core/model/signal.ts';
import { span } from '../../../support/span-builder.ts';
import { runNormalize } from '../../normalize/run-normalize.ts';
import { createDetectors } from '../run-detectors.ts';
import { qualitySpan } from './spans.ts';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const USER = 'Could you summarise the opening hours of the museum for next weekend, please?';
const FRENCH = 'Le musée est ouvert samedi et dimanche de dix heures à dix-huit heures, avec une nocturne le samedi.';
// No context beyond a short question: only the language check goes to the workers.
const frenchAnswers = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    qualitySpan({
      user: USER,
      output: FRENCH,
      spanId: `8c${i.toString(16).padStart(14, '0')}`,
      traceId: `8d${i.toString(16).padStart(30, '0')}`,
    }),
  );

const open: Processor[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.shutdown?.();
});

async function setUp(workers: Record<string, number>) {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const processor = await createDetectors({ quality: { workers } }, { meter: provider.getMeter('test') });
  open.push(processor);
  const read = async (name: string): Promise<Record<string, number>> => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    const points = (metric?.dataPoints ?? []) as DataPoint<number>[];
    return Object.fromEntries(points.map((p) => [String(p.attributes.check), p.value]));
  };
  const run = async (n: number): Promise<Signal[][]> => {
    const normalized = await runNormalize(frenchAnswers(n));
    const out = await processor.process(createBatch({ calls: normalized.calls }));
    return out.calls.map((c) => c.signals.filter((s) => s.category === 'quality'));
  };
  return { processor, read, run };
}

describe('expensive quality checks in worker threads', () => {
  it('runs the language check in a started worker and attaches its signal', async () => {
    const { processor, read, run } = await setUp({ threads: 1, budget_ms: 5_000 });
    await processor.start!();
    const [signals] = await run(1);
    expect(signals).toMatchObject([{ subtype: 'language_drift', evidence: { input_language: 'en', output_language: 'fr' } }]);
    expect(await read('faultline_detector_queue_dropped_total')).toEqual({ language: 0, entities: 0 });
    expect(await read('faultline_detector_queue_depth')).toEqual({ language: 0, entities: 0 });
  });

  it('refuses checks past max_queue, passes those calls on without the signal and counts them per check', async () => {
    const { processor, read, run } = await setUp({ threads: 1, budget_ms: 5_000, max_queue: 2 });
    await processor.start!();
    const results = await run(5);
    expect(results.map((s) => s.length)).toEqual([1, 1, 0, 0, 0]);
    expect(await read('faultline_detector_queue_dropped_total')).toEqual({ language: 3, entities: 0 });
  });

  it('drops checks that miss the budget, counts them, and shows them in the depth gauge until the worker answers', async () => {
    // Not started: the worker is still loading when the 1 ms budget ends.
    const { read, run } = await setUp({ threads: 1, budget_ms: 1 });
    const results = await run(3);
    expect(results.every((s) => s.length === 0)).toBe(true);
    expect(await read('faultline_detector_queue_dropped_total')).toEqual({ language: 3, entities: 0 });
    expect(await read('faultline_detector_queue_depth')).toEqual({ language: 3, entities: 0 });
    await expect.poll(async () => (await read('faultline_detector_queue_depth')).language, { timeout: 20_000, interval: 50 }).toBe(0);
    // Answers arriving late are not counted twice.
    expect(await read('faultline_detector_queue_dropped_total')).toEqual({ language: 3, entities: 0 });
  });

  it('shuts down twice without error, and after shutdown passes calls on without the expensive checks', async () => {
    const { processor, read, run } = await setUp({ threads: 2, budget_ms: 5_000 });
    await processor.start!();
    await processor.shutdown!();
    await processor.shutdown!();
    const results = await run(2);
    expect(results).toEqual([[], []]);
    expect(await read('faultline_detector_queue_dropped_total')).toEqual({ language: 2, entities: 0 });
  });
});

describe('a worker that cannot start', () => {
  it('logs one error, stops respawning, and drops and counts every later check', async () => {
    const { createCheckPool } = await import('../../../../processors/detectors/quality/check-pool.ts');
    const { default: pino } = await import('pino');
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const reader = new TestReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
    const pool = createCheckPool({ threads: 2, maxQueue: 10, meter, logger, entry: new URL('./failing-worker.js', import.meta.url) });
    await pool.start();
    const job = { language: { userText: USER, systemPrompt: '', answer: FRENCH, minLetters: 40, sampleChars: 400 } };
    expect(await pool.run([job, job], { budgetMs: 5_000, maxWaitMs: 5_000 })).toEqual([null, null]);
    const { resourceMetrics } = await reader.collect();
    const dropped = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'faultline_detector_queue_dropped_total');
    expect((dropped?.dataPoints as DataPoint<number>[]).map((p) => [p.attributes.check, p.value])).toEqual([
      ['language', 2],
      ['entities', 0],
    ]);
    const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(2); // one per thread, never a respawn loop
    expect(errors[0].msg).toMatch(/failed to start/);
    await pool.shutdown();
  });
});

describe('answerJobs (the worker loop)', () => {
  const job = { language: { userText: USER, systemPrompt: '', answer: FRENCH, minLetters: 40, sampleChars: 400 } };
  const jobs = [1, 2, 3].map((id) => ({ id, job }));

  it('answers every job while the deadline has not passed', async () => {
    const { answerJobs } = await import('../../../../processors/detectors/quality/expensive-checks.ts');
    const answers = [...answerJobs({ deadline: 1_000, jobs }, () => 999)];
    expect(answers.map((a) => [a.id, a.result?.language?.output])).toEqual([
      [1, 'fr'],
      [2, 'fr'],
      [3, 'fr'],
    ]);
  });

  it('answers null, without running them, for the jobs still queued once the batch stopped waiting', async () => {
    const { answerJobs } = await import('../../../../processors/detectors/quality/expensive-checks.ts');
    let clock = 1_000;
    // Time passes as jobs run: the first is started before the deadline, the rest after it.
    const answers = [...answerJobs({ deadline: 1_000, jobs }, () => clock++)];
    expect(answers.map((a) => [a.id, a.result === null ? null : a.result.language?.output])).toEqual([
      [1, 'fr'],
      [2, null],
      [3, null],
    ]);
  });
});

describe('batchDeadline', () => {
  const wait = { budgetMs: 50, maxWaitMs: 1_000 };

  it('gives a batch its budget from now when the workers are idle', async () => {
    const { batchDeadline } = await import('../../../../processors/detectors/quality/check-pool.ts');
    expect(batchDeadline(10_000, 9_000, wait)).toBe(10_050);
  });

  it('starts the budget of a batch sent behind another when that one is due, so both get theirs', async () => {
    const { batchDeadline } = await import('../../../../processors/detectors/quality/check-pool.ts');
    const first = batchDeadline(10_000, 0, wait);
    const second = batchDeadline(10_001, first, wait);
    expect([first, second]).toEqual([10_050, 10_100]);
  });

  it('never makes a batch wait longer than max_wait_ms, however much is queued before it', async () => {
    const { batchDeadline } = await import('../../../../processors/detectors/quality/check-pool.ts');
    expect(batchDeadline(10_000, 50_000, wait)).toBe(11_000);
  });
});

describe('quality.workers settings', () => {
  it('rejects a max_wait_ms shorter than budget_ms, naming the field, and accepts it unset with any budget', async () => {
    const { QualityConfig } = await import('../../../../processors/detectors/quality/config.ts');
    const r = QualityConfig.safeParse({ workers: { budget_ms: 200, max_wait_ms: 100 } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({
      path: ['workers', 'max_wait_ms'],
      message: 'expected max_wait_ms to be at least budget_ms',
    });
    expect(QualityConfig.parse({ workers: { budget_ms: 5_000 } }).workers).toMatchObject({ budget_ms: 5_000, max_wait_ms: null });
  });
});
