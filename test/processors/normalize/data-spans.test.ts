import { describe, expect, it } from 'vitest';
import { IngestionRun, RetrievalCall } from '../../../agent/core/model/llm-call.ts';
import { NormalizeConfig } from '../../../processors/normalize/config.ts';
import { BASE_MS, genAiRetrievalSpan } from '../../fixtures/spans/cost-data.ts';
import * as otel from '../../fixtures/spans/otel-genai.ts';
import { SpanKind, type SpanInput } from '../../support/span-builder.ts';
import { normalizeOne, runNormalize } from './run-normalize.ts';

describe('normalize reads OTel GenAI retrieval documents', () => {
  it('reads gen_ai.retrieval.documents sent as a JSON string: ids, scores and metadata timestamps', async () => {
    const item = RetrievalCall.parse(
      await normalizeOne(genAiRetrievalSpan(1, BASE_MS, [{ score: 0.93, updatedMs: 1_735_689_600_000 }, { score: 0.71 }])),
    );
    expect(item.documents).toEqual([
      { id: 'doc-0', score: 0.93, content: null, timestampMs: 1_735_689_600_000 },
      { id: 'doc-1', score: 0.71, content: null, timestampMs: null },
    ]);
  });

  it('reads the structured form, with content when capture is on and a timestamp on the document itself', async () => {
    const input: SpanInput = {
      ...otel.retrievalSpan,
      attributes: {
        ...otel.retrievalSpan.attributes,
        'gen_ai.retrieval.documents': [
          { id: 'a', score: 0.8, content: 'Refunds within 14 days.', updated_at: '2025-06-01T00:00:00Z' },
          { id: 7, score: '0.5' },
          'not a document',
        ],
      },
    };
    const item = RetrievalCall.parse(await normalizeOne(input));
    expect(item.documents).toEqual([
      { id: 'a', score: 0.8, content: 'Refunds within 14 days.', timestampMs: Date.parse('2025-06-01T00:00:00Z') },
      { id: '7', score: 0.5, content: null, timestampMs: null },
    ]);
    const dark = RetrievalCall.parse(await normalizeOne(input, { capture_content: false }));
    expect(dark.documents[0].content).toBeNull();
  });
});

describe('normalize: ingestion_span_names', () => {
  const job: SpanInput = { name: 'nightly_ingest_docs', kind: SpanKind.INTERNAL, startMs: BASE_MS, attributes: { 'job.rows': 10 } };

  it('reads a span whose name matches (exactly, or by a prefix ending in *) as an ingestion run named after it', async () => {
    for (const names of [['nightly_ingest_docs'], ['nightly_*']]) {
      const item = IngestionRun.parse(await normalizeOne(job, { ingestion_span_names: names }));
      expect(item).toMatchObject({ kind: 'ingestion', dataSource: 'nightly_ingest_docs', outcome: 'ok' });
    }
  });

  it('passes the span over when no name matches', async () => {
    expect((await runNormalize([job], [], { ingestion_span_names: ['weekly_*', 'nightly_ingest'] })).calls).toEqual([]);
    expect((await runNormalize([job])).calls).toEqual([]);
  });

  it('rejects an empty name in the config, naming where', () => {
    const r = NormalizeConfig.safeParse({ ingestion_span_names: ['ingest_*', ''] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['ingestion_span_names', 1]);
  });
});
