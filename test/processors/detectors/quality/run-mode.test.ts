// ctx.mode decides where the expensive quality checks run: on worker threads under a time budget
// live, inline offline (classify, replay), whatever workers.threads says, so an offline run judges
// every call the same way every time.
import { afterEach, describe, expect, it } from 'vitest';
import type { Processor } from '../../../../agent/core/component.ts';
import { createBatch, type Batch } from '../../../../agent/core/model/batch.ts';
import { runNormalize } from '../../normalize/run-normalize.ts';
import { createDetectors } from '../run-detectors.ts';
import { qualitySpan } from './spans.ts';

const started: Processor[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) await p.shutdown?.();
});

async function detectorsIn(mode: 'live' | 'offline') {
  // A budget no loaded machine misses, so the live run's worker always answers.
  const p = await createDetectors({ quality: { workers: { threads: 1, budget_ms: 20_000, max_wait_ms: 20_000 } } }, { mode });
  await p.start?.();
  started.push(p);
  return p;
}

// An answer in another language than the question: the language check is one of the expensive ones.
const drifted = qualitySpan({
  user: 'Could you summarise the opening hours of the museum for next weekend, please?',
  output: 'Le musée est ouvert samedi et dimanche de dix heures à dix-huit heures, avec une nocturne le samedi.',
});

const subtypes = (batch: Batch) => batch.calls.flatMap((c) => c.signals.map((s) => s.subtype));

describe('the detectors by run mode', () => {
  it('run the expensive checks inline offline, though the configuration asks for a worker thread', async () => {
    const { calls } = await runNormalize([drifted]);
    const out = (await detectorsIn('offline')).process(createBatch({ calls }));
    // Inline: the batch comes back at once, not as a promise waiting on a worker.
    expect(out).not.toBeInstanceOf(Promise);
    expect(subtypes(out as Batch)).toContain('language_drift');
  });

  it('hand them to the worker thread live, and find the same', async () => {
    const { calls } = await runNormalize([drifted]);
    const out = (await detectorsIn('live')).process(createBatch({ calls }));
    expect(out).toBeInstanceOf(Promise);
    expect(subtypes(await out)).toContain('language_drift');
  });
});
