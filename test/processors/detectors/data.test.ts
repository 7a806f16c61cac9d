// Data detectors through the real chain (normalize → trace_assembler → detectors → classifier):
// retrieval score drift, embedding centroid drift, stale documents and ingestion failures, each
// once per episode, with near misses that stay quiet.
import { describe, expect, it } from 'vitest';
import { failureIdForWindow, type DataFailure, type FailureEvent } from '../../../agent/core/model/failure-event.ts';
import {
  BASE_MS,
  embeddingSpan,
  genAiRetrievalSpan,
  ingestSpan,
  retrieverSpan,
  type RetrievedDoc,
} from '../../fixtures/spans/cost-data.ts';
import { SpanKind, StatusCode, type SpanInput } from '../../support/span-builder.ts';
import { startChain, subtypes } from './run-pipeline.ts';

const MIN = 60_000;
const DAY = 86_400_000;

async function run(detectors: Record<string, unknown>, spans: SpanInput[], normalize: Record<string, unknown> = {}) {
  const chain = await startChain({ detectors, normalize, startMs: BASE_MS });
  for (const s of [...spans].sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0))) await chain.send([s]);
  return chain.finish();
}

function asData(e: FailureEvent): DataFailure {
  if (e.category !== 'data') throw new Error(`expected a data event, got ${e.category}/${e.subtype}`);
  return e;
}

/** Deterministic noise in [-1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

describe('retrieval_quality_drop', () => {
  const config = { data: { retrieval_quality: { window_ms: 10 * MIN, baseline_window_ms: 60 * MIN, min_samples: 15 } } };
  /** Five documents, top score around `top`, the rest stepping down. */
  const docs = (top: number, r: () => number): RetrievedDoc[] =>
    Array.from({ length: 5 }, (_, k) => ({ score: Math.round((top - k * 0.05 + r() * 0.03) * 1000) / 1000 }));
  const retrievals = (from: number, count: number, top: number, first: number, seed: number, make = retrieverSpan) => {
    const r = noise(seed);
    return Array.from({ length: count }, (_, i) => make(from + i, BASE_MS + first + i * 30_000, docs(top, r)));
  };

  it('reports once when top-k scores drift and the mean top-1 score falls', async () => {
    const { events } = await run(config, [...retrievals(1, 120, 0.88, 0, 1), ...retrievals(500, 20, 0.62, 60 * MIN, 2)]);
    expect(subtypes(events)).toEqual(['data/retrieval_quality_drop']);
    const e = asData(events[0]);
    expect(e).toMatchObject({ category: 'data', detection_method: 'score_drift', collection: 'product-docs' });
    expect(e.drift_score).toBe(e.evidence.ks_d);
    expect(e.evidence.ks_d as number).toBeGreaterThan(e.evidence.ks_critical as number);
    expect(e.evidence).toMatchObject({
      key_kind: 'collection',
      key: 'product-docs',
      window_ms: 600_000,
      baseline_window_ms: 3_600_000,
      rule: 'psi+ks',
    });
    expect(e.evidence.baseline as number).toBeCloseTo(0.88, 1);
    // Judged as soon as the window holds min_samples, so the window still mixes in the last good ones.
    expect(e.evidence.observed as number).toBeLessThan((e.evidence.baseline as number) * 0.9);
    expect(e.evidence.top1_drop as number).toBeGreaterThanOrEqual(0.1);
    expect(e.evidence.psi as number).toBeGreaterThan(0.25);
  });

  it('reads OTel GenAI retrieval spans (gen_ai.retrieval.documents) the same way', async () => {
    const { events } = await run(config, [
      ...retrievals(1, 120, 0.88, 0, 3, genAiRetrievalSpan),
      ...retrievals(500, 20, 0.6, 60 * MIN, 4, genAiRetrievalSpan),
    ]);
    expect(subtypes(events)).toEqual(['data/retrieval_quality_drop']);
  });

  it('does not report fresh samples of the same distribution, nor scores that rise', async () => {
    const same = await run(config, [...retrievals(1, 120, 0.88, 0, 5), ...retrievals(500, 20, 0.88, 60 * MIN, 6)]);
    expect(same.events).toEqual([]);
    const better = await run(config, [...retrievals(1, 120, 0.7, 0, 7), ...retrievals(500, 20, 0.92, 60 * MIN, 8)]);
    expect(better.events).toEqual([]);
  });
});

describe('embedding_drift', () => {
  const config = { data: { embedding_drift: { baseline_vectors: 60, min_window_vectors: 20, window_ms: 10 * MIN } } };
  /** Unit-ish vectors around axis `axis` of an 8-dimensional space. */
  const around = (axis: number, r: () => number) => Array.from({ length: 8 }, (_, k) => (k === axis ? 1 : 0) + r() * 0.3);
  const embeddings = (from: number, count: number, axis: number, first: number, seed: number) => {
    const r = noise(seed);
    return Array.from({ length: count }, (_, i) =>
      embeddingSpan(from + i, BASE_MS + first + i * 20_000, [around(axis, r), around(axis, r)]),
    );
  };

  it('reports once when the window centroid moves past the threshold calibrated from the baseline', async () => {
    const { events } = await run(config, [
      ...embeddings(1, 30, 0, 0, 11),
      ...embeddings(100, 20, 0, 20 * MIN, 12),
      ...embeddings(200, 30, 3, 40 * MIN, 13),
    ]);
    expect(subtypes(events)).toEqual(['data/embedding_drift']);
    const e = asData(events[0]);
    expect(e.evidence).toMatchObject({
      key_kind: 'model',
      key: 'openai/text-embedding-3-small',
      baseline_vectors: 60,
      window_ms: 600_000,
      dimensions: 8,
    });
    expect(e.evidence.observed as number).toBeGreaterThan(e.evidence.baseline as number);
    expect(e.drift_score).toBeGreaterThan(0);
  });

  it('does not report a window drawn from the baseline distribution', async () => {
    const { events } = await run(config, [...embeddings(1, 30, 0, 0, 21), ...embeddings(100, 40, 0, 20 * MIN, 22)]);
    expect(events).toEqual([]);
  });
});

describe('stale_index', () => {
  const config = { data: { stale_index: { max_age_ms: 30 * DAY, collections: [{ collection: 'news', max_age_ms: 2 * DAY }] } } };
  const at = (i: number) => BASE_MS + i * MIN;
  const aged = (i: number, ...ageDays: number[]): RetrievedDoc[] =>
    ageDays.map((d, k) => ({ score: 0.9 - k * 0.1, updatedMs: at(i) - d * DAY }));

  it('reports retrieved documents older than the age limit once, and again after fresh results re-arm it', async () => {
    const spans = [
      retrieverSpan(1, at(1), aged(1, 90, 120, 45)),
      retrieverSpan(2, at(2), aged(2, 91, 121)),
      retrieverSpan(3, at(3), aged(3, 1, 2)),
      retrieverSpan(4, at(4), aged(4, 95, 3, 100)),
    ];
    const { events } = await run(config, spans);
    expect(subtypes(events)).toEqual(['data/stale_index', 'data/stale_index']);
    expect(events[0]).toMatchObject({ collection: 'product-docs', documents_affected: 3, detection_method: 'document_age' });
    expect(events[0].evidence).toMatchObject({
      key_kind: 'collection',
      key: 'product-docs',
      baseline: 30 * DAY,
      stale_documents: 3,
      dated_documents: 3,
    });
  });

  it('does not report fresh documents, a minority of old ones, or documents without timestamps', async () => {
    const spans = [
      retrieverSpan(1, at(1), aged(1, 1, 5, 29)),
      retrieverSpan(2, at(2), aged(2, 90, 1, 2, 3)),
      retrieverSpan(3, at(3), [{ score: 0.9 }, { score: 0.8 }]),
    ];
    const { events } = await run(config, spans);
    expect(events).toEqual([]);
  });

  it('checks nothing by default: how old is too old depends on the collection', async () => {
    const { events } = await run({}, [retrieverSpan(1, at(1), aged(1, 900, 1_200))]);
    expect(events).toEqual([]);
  });

  it("applies a collection's own age limit", async () => {
    const { events } = await run(config, [
      retrieverSpan(1, at(1), aged(1, 3, 4), 'news'),
      retrieverSpan(2, at(2), aged(2, 3, 4), 'product-docs'),
    ]);
    expect(events.map((e) => asData(e).collection)).toEqual(['news']);
  });
});

describe('ingestion_failure', () => {
  it('reports a failed run once per data source until a run succeeds, and a run that failed documents', async () => {
    const spans = [
      ingestSpan(1, BASE_MS, { ok: false }),
      ingestSpan(2, BASE_MS + 10 * MIN, { ok: false }),
      ingestSpan(3, BASE_MS + 20 * MIN, { ok: true, processed: 100, failed: 0 }),
      ingestSpan(4, BASE_MS + 30 * MIN, { ok: true, processed: 90, failed: 10 }),
    ];
    const { events } = await run({}, spans);
    expect(events.map((e) => `${e.subtype}/${e.detection_method}`)).toEqual([
      'ingestion_failure/run_status',
      'ingestion_failure/failed_documents',
    ]);
    expect(events[1]).toMatchObject({ collection: 'product-docs', documents_affected: 10, span_id: ingestSpan(4, 0, { ok: true }).spanId });
    expect(events[1].evidence).toMatchObject({ key_kind: 'data_source', key: 'product-docs', observed: 0.1 });
  });

  it('does not report successful runs', async () => {
    const { events } = await run({}, [
      ingestSpan(1, BASE_MS, { ok: true, processed: 10, failed: 0 }),
      ingestSpan(2, BASE_MS + MIN, { ok: true }),
    ]);
    expect(events).toEqual([]);
  });

  const jobs = { data: { ingestion: { jobs: [{ data_source: 'product-docs', max_interval_ms: 60 * MIN }], check_interval_ms: MIN } } };

  it('reports a job with no successful run within its interval as one window-level event, until a run succeeds', async () => {
    const chain = await startChain({ detectors: jobs, startMs: BASE_MS });
    const first = ingestSpan(1, BASE_MS, { ok: true });
    await chain.send([first]);
    const lastSuccessMs = BASE_MS + 60_000; // the run's end
    await chain.advanceTo(lastSuccessMs + 30 * MIN);
    await chain.send([ingestSpan(2, lastSuccessMs + 40 * MIN, { ok: false })]);
    await chain.advanceTo(lastSuccessMs + 62 * MIN);
    await chain.advanceTo(lastSuccessMs + 3 * 60 * MIN);
    await chain.send([ingestSpan(3, lastSuccessMs + 4 * 60 * MIN, { ok: true })]);
    await chain.advanceTo(lastSuccessMs + 6 * 60 * MIN);
    const { events } = await chain.finish();

    const overdue = events.filter((e) => e.detection_method === 'run_overdue');
    expect(overdue).toHaveLength(2);
    const [e] = overdue;
    expect(e).toMatchObject({
      category: 'data',
      subtype: 'ingestion_failure',
      span_id: null,
      trace_id: null,
      member_spans: [ingestSpan(2, 0, { ok: false }).spanId],
      collection: 'product-docs',
      failure_id: failureIdForWindow('data', 'ingestion_failure', 'ingestion/product-docs', lastSuccessMs),
    });
    expect(e.evidence).toMatchObject({
      rule: 'no_success_within_interval',
      key_kind: 'data_source',
      window_ms: 3_600_000,
      baseline: 3_600_000,
    });
    expect(Date.parse(e.timestamp) - lastSuccessMs).toBeGreaterThan(60 * MIN);
    expect(Date.parse(e.timestamp) - lastSuccessMs).toBeLessThanOrEqual(62 * MIN);
    expect(overdue[1].failure_id).not.toBe(e.failure_id);
    // The failed run itself is its own span-level event.
    expect(events.filter((x) => x.detection_method === 'run_status')).toHaveLength(1);
  });

  it('stays quiet while runs succeed within the interval', async () => {
    const chain = await startChain({ detectors: jobs, startMs: BASE_MS });
    for (let i = 0; i < 6; i++) {
      await chain.send([ingestSpan(i + 1, BASE_MS + i * 50 * MIN, { ok: true })]);
      await chain.advanceTo(BASE_MS + (i + 1) * 50 * MIN - 1);
    }
    const { events } = await chain.finish();
    expect(events).toEqual([]);
  });

  it("reads spans named in normalize's ingestion_span_names as ingestion runs, known by their name", async () => {
    const job: SpanInput = {
      name: 'nightly_ingest',
      kind: SpanKind.INTERNAL,
      traceId: 'f1'.repeat(16),
      spanId: 'f1'.repeat(8),
      startMs: BASE_MS,
      durationMs: 1_000,
      status: { code: StatusCode.ERROR, message: 'boom' },
      attributes: {},
    };
    const without = await run({}, [job]);
    expect(without.events).toEqual([]);
    const { events } = await run({}, [job], { ingestion_span_names: ['nightly_*'] });
    expect(subtypes(events)).toEqual(['data/ingestion_failure']);
    expect(events[0]).toMatchObject({ collection: 'nightly_ingest' });
  });
});
