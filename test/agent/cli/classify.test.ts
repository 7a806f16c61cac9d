import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { LlmCall, TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import { encodeTracesJson } from '../../../agent/receivers/otlp-wire/encode-json.ts';
import { retrievalSpan } from '../../fixtures/labelled/data-spans.ts';
import { span } from '../../support/span-builder.ts';
import { genAiTraceRequest } from '../../support/otlp-fixtures.ts';
import { runCli } from '../../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-classify-'));
function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const request = genAiTraceRequest(20);
const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('faultline classify', () => {
  it('prints nothing for a clean file, and exits 0', async () => {
    const clean = genAiTraceRequest(20, { errorEvery: 0 });
    const r = await runCli(['classify', file('clean.pb', clean.protobuf)]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
  });

  it('prints one FailureEvent per failing span, ordered by timestamp then failure_id', async () => {
    const r = await runCli(['classify', file('spans.pb', request.protobuf)]);
    expect(r.code).toBe(0);
    const events = lines(r.stdout).map((l) => FailureEvent.parse(JSON.parse(l)));
    expect(events.map((e) => `${e.category}/${e.subtype}`)).toEqual(['provider/rate_limited', 'provider/rate_limited']);
    const keys = events.map((e) => `${e.timestamp} ${e.failure_id}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('prints the LiteLLM 429 fixture as a rate_limited event with its retries in evidence', async () => {
    const r = await runCli(['classify', 'test/fixtures/otlp/litellm-rate-limit.json']);
    const [event] = lines(r.stdout).map((l) => FailureEvent.parse(JSON.parse(l)));
    expect(event).toMatchObject({
      category: 'provider',
      subtype: 'rate_limited',
      http_status: 429,
      provider: 'openai',
      model: 'gpt-4o',
      impact_scope: { team: 'team-42' },
      evidence: { retries: 2 },
    });
  });

  it('normalizes every LLM span of a protobuf file, in event-time order', async () => {
    const r = await runCli(['classify', '--output', 'calls', file('spans.pb', request.protobuf)]);
    expect(r.code).toBe(0);
    const calls = lines(r.stdout).map((l) => TelemetryItem.parse(JSON.parse(l)));
    expect(calls).toHaveLength(20);
    const ends = calls.map((c) => c.timing.endMs);
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    expect(calls.filter((c) => c.outcome === 'error')).toHaveLength(2);
  });

  it('reads OTLP/JSON, one request per line, and gzip alike', async () => {
    const json = Buffer.from(request.json).toString('utf8');
    const half = genAiTraceRequest(5, { seed: 3 });
    const jsonLines = `${json}\n${Buffer.from(half.json).toString('utf8')}\n`;
    for (const path of [file('spans.json', json), file('spans.jsonl', jsonLines), file('spans.json.gz', gzipSync(json))]) {
      const r = await runCli(['classify', '--output', 'calls', path]);
      expect(r.stderr).toBe('');
      expect(lines(r.stdout)).toHaveLength(path.endsWith('.jsonl') ? 25 : 20);
    }
  });

  it('reads the LiteLLM 429 fixture into a failed call with its status and retries', async () => {
    const r = await runCli(['classify', '--output', 'calls', 'test/fixtures/otlp/litellm-rate-limit.json']);
    const [call] = lines(r.stdout).map((l) => LlmCall.parse(JSON.parse(l)));
    expect(call).toMatchObject({
      outcome: 'error',
      provider: 'openai',
      requestModel: 'gpt-4o',
      error: { httpStatus: 429, type: 'RateLimitError' },
      retry: { retries: 2, maxRetries: 2 },
      identity: { team: 'team-42' },
    });
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), /nope\.json: file not found/],
    [
      'bytes that are neither JSON nor protobuf',
      () => file('garbage.bin', Buffer.from([0x0f, 0xff, 0xff, 0xff, 0xff])),
      /garbage\.bin: neither JSON nor an OTLP protobuf trace request/,
    ],
    [
      'a JSON-lines file with a broken line',
      () => file('broken.jsonl', '{"resourceSpans":[]}\n{"resourceSpans":\n'),
      /broken\.jsonl: line 2 is not valid JSON/,
    ],
    [
      'JSON that is not an OTLP request',
      () => file('other.json', '{"hello":"world"}'),
      /other\.json: the request: expected an OTLP\/JSON request/,
    ],
    [
      'a span with a malformed trace id',
      () => file('badid.json', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}'),
      /badid\.json: the request: .*traceId/,
    ],
  ])('exits 2 naming the file for %s', async (_name, path, message) => {
    const good = file('good.pb', request.protobuf);
    const r = await runCli(['classify', good, path()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  describe('with --config', () => {
    // A retrieval on 2 March 2026 whose documents were last updated in May 2023.
    const oldDocuments = retrievalSpan(
      {
        style: 'openinference',
        collection: 'pricing',
        query: 'business plan price per seat',
        documents: [
          { id: 'pricing-12', score: 0.89, content: 'Business plan: €12 per seat per month.', updatedAt: '2023-05-02T10:00:00Z' },
          { id: 'pricing-13', score: 0.81, content: 'Enterprise plan: contact sales.', updatedAt: '2023-05-02T10:00:00Z' },
        ],
      },
      { traceId: '7a1e0000000000000000000000000001', spanId: '7a1e000000000001', startMs: Date.UTC(2026, 2, 2, 9, 0, 0) },
    );
    const spans = () => file('retrieval.json', JSON.stringify(encodeTracesJson([span(oldDocuments)])));
    const config = (processors: string) =>
      file(
        'classify.yaml',
        `receivers:\n  otlp: {}\nprocessors:\n${processors}\nexporters:\n  ndjson: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [normalize, trace_assembler, detectors, classifier]\n      exporters: [ndjson]\n`,
      );

    it("runs the configuration's detectors: stale_index, off by default, reports documents older than its max age", async () => {
      const path = spans();
      const byDefault = await runCli(['classify', path]);
      expect(byDefault).toMatchObject({ code: 0, stdout: '', stderr: '' });
      const yearLimit = config(
        '  normalize: {}\n  trace_assembler: {}\n  detectors:\n    data:\n      stale_index:\n        max_age_ms: 31536000000\n  classifier: {}',
      );
      const r = await runCli(['classify', '-c', yearLimit, path]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const events = lines(r.stdout).map((l) => FailureEvent.parse(JSON.parse(l)));
      expect(events.map((e) => `${e.category}/${e.subtype}`)).toEqual(['data/stale_index']);
      expect(events[0].span_id).toBe('7a1e000000000001');
    });

    it('exits 1 naming the problem for an invalid configuration, before reading any file', async () => {
      const bad = config(
        '  normalize: {}\n  trace_assembler: {}\n  detectors:\n    data:\n      stale_index:\n        max_age_ms: -5\n  classifier: {}',
      );
      const r = await runCli(['classify', '--config', bad, join(dir, 'nope.json')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/classify\.yaml: 1 configuration problem/);
      expect(r.stderr).toContain('stale_index.max_age_ms');
      expect(r.stderr).not.toContain('nope.json');
    });

    it('documents --config in its help', async () => {
      const r = await runCli(['classify', '--help']);
      expect(r.stdout).toMatch(/-c, --config FILE/);
    });
  });

  it('asks for a file when given none', async () => {
    const r = await runCli(['classify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give at least one FILE');
  });
});
