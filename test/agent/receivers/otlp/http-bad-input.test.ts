// Every kind of bad OTLP/HTTP request gets the protocol's answer, nothing partial reaches the
// pipeline, and the receiver keeps answering good requests afterwards.
import { Writable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../agent/core/errors.ts';
import { buildReceiver, startReceiver, type ReceiverUnderTest } from './receiver-under-test.ts';
import {
  expectStillAnswers,
  readJson,
  jsonSpan,
  jsonTraces,
  postChunked,
  postJson,
  postProtobuf,
  PROTOBUF_SPAN_WITHOUT_IDS,
} from './requests.ts';
import { readPartialSuccess, readStatus } from './wire.ts';

const LIMIT = 64 * 1024;
let r: ReceiverUnderTest;
beforeAll(async () => {
  r = await startReceiver({ http: { max_request_body_bytes: LIMIT }, grpc: false });
});
afterAll(() => r.stop());
afterEach(() => r.sink.accept());

describe('malformed bodies', () => {
  it('answers malformed protobuf with 400 and a protobuf Status naming the problem', async () => {
    const res = await postProtobuf(r, Buffer.from('0a05', 'hex'));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const status = readStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.message).toContain('resource_spans[0]: length 5 runs past the end of the message');
    expect(r.receiver.stats().http.requests.failed.malformed).toBeGreaterThan(0);
    await expectStillAnswers(r);
  });

  it('answers malformed JSON with 400 and a JSON Status', async () => {
    const before = r.sink.spans().length;
    const res = await postJson(r, '{"resourceSpans": [{"scopeSpans": [');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const status = await readJson(res);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^The body is not a valid OTLP\/JSON traces request: .+/);
    expect(r.sink.spans()).toHaveLength(before);
    await expectStillAnswers(r);
  });

  it('answers JSON of the wrong shape with 400 naming the path, and delivers none of its spans', async () => {
    const before = r.sink.spans().length;
    const body = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [jsonSpan('00000000000000a1'), { ...jsonSpan('00000000000000a2'), attributes: 'not a list' }] }] },
      ],
    });
    const res = await postJson(r, body);
    expect(res.status).toBe(400);
    expect((await readJson(res)).message).toContain('resourceSpans[0].scopeSpans[0].spans[1].attributes');
    expect(r.sink.spans()).toHaveLength(before);
    await expectStillAnswers(r);
  });

  it('answers corrupt gzip with 400', async () => {
    const gz = gzipSync(jsonTraces(jsonSpan('00000000000000b1')));
    const corrupt = Buffer.concat([gz.subarray(0, 12), Buffer.alloc(20, 0xff), gz.subarray(32)]);
    const res = await postJson(r, corrupt as unknown as string, '/v1/traces', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect((await readJson(res)).message).toMatch(/not valid gzip/);
    expect(r.receiver.stats().http.requests.failed.malformed).toBeGreaterThan(0);
    await expectStillAnswers(r);
  });
});

describe('size limit (after decompression)', () => {
  const oversizedJson = () =>
    jsonTraces(...Array.from({ length: 600 }, (_, i) => jsonSpan(i.toString(16).padStart(16, '0'), 'x'.repeat(100))));

  it('answers a body over the limit with 413 (Content-Length known)', async () => {
    const body = oversizedJson();
    expect(body.length).toBeGreaterThan(LIMIT);
    const res = await postJson(r, body);
    expect(res.status).toBe(413);
    expect((await readJson(res)).message).toContain(`limit of ${LIMIT} bytes`);
    expect(r.receiver.stats().http.requests.failed.too_large).toBeGreaterThan(0);
    await expectStillAnswers(r);
  });

  it('answers a streamed body over the limit with 413 (no Content-Length)', async () => {
    const body = Buffer.from(oversizedJson());
    const chunks = Array.from({ length: Math.ceil(body.length / 8192) }, (_, i) => body.subarray(i * 8192, (i + 1) * 8192));
    const res = await postChunked(`${r.httpUrl}/v1/traces`, { 'content-type': 'application/json' }, chunks);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body.toString()).message).toContain(`limit of ${LIMIT} bytes`);
    await expectStillAnswers(r);
  });

  it('lets a sender read its 413 even when it is still uploading a body well over the limit', async () => {
    // A 413 the sender cannot read (the connection reset under its upload) looks retryable to an
    // OTLP exporter, which would send the same oversized request again and again.
    const small = await startReceiver({ http: { max_request_body_bytes: 1024 * 1024 }, grpc: false });
    try {
      for (const size of [1.5, 1.9, 3.9]) {
        const body = Buffer.alloc(Math.round(size * 1024 * 1024), 0x20);
        // With Content-Length (known at once to be too large), and streamed (found out while reading).
        for (const streamed of [false, true]) {
          const res = await fetch(`${small.httpUrl}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf' },
            body: streamed ? new Blob([body]).stream() : body,
            duplex: 'half',
          } as RequestInit);
          expect(res.status, `${size} MiB${streamed ? ', streamed' : ''}`).toBe(413);
          await res.arrayBuffer();
        }
      }
      await expectStillAnswers(small);
    } finally {
      await small.stop();
    }
  });

  it('answers a gzip bomb (200 MiB of zeros) with 413 without inflating it', async () => {
    // 200 MiB of zeros gzip to about 200 KB: under a 1 MiB limit on the wire, far over it inflated.
    const bombed = await startReceiver({ http: { max_request_body_bytes: 1024 * 1024 }, grpc: false });
    try {
      const bomb = await gzipZeros(200 * 1024 * 1024);
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const memoryBefore = process.memoryUsage();
      const res = await postProtobuf(bombed, bomb, '/v1/traces', { 'content-encoding': 'gzip' });
      expect(res.status).toBe(413);
      expect(readStatus(new Uint8Array(await res.arrayBuffer())).message).toContain('after gzip decompression');
      const memoryAfter = process.memoryUsage();
      expect(memoryAfter.arrayBuffers - memoryBefore.arrayBuffers).toBeLessThan(100 * 1024 * 1024);
      expect(bombed.receiver.stats().http.requests.failed.too_large).toBe(1);
      await expectStillAnswers(bombed);
    } finally {
      await bombed.stop();
    }
  });
});

describe('content type and encoding', () => {
  it('answers an unsupported Content-Type with 415', async () => {
    const res = await fetch(`${r.httpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(415);
    expect((await readJson(res)).message).toMatch(
      /Unsupported Content-Type "text\/plain"; send application\/x-protobuf or application\/json/,
    );
    await expectStillAnswers(r);
  });

  it('answers a missing Content-Type with 415', async () => {
    const res = await fetch(`${r.httpUrl}/v1/traces`, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(res.status).toBe(415);
    expect((await readJson(res)).message).toContain('Unsupported Content-Type none');
    await expectStillAnswers(r);
  });

  it('answers an unsupported Content-Encoding with 415', async () => {
    const res = await postJson(r, jsonTraces(jsonSpan('00000000000000c1')), '/v1/traces', { 'content-encoding': 'br' });
    expect(res.status).toBe(415);
    expect((await readJson(res)).message).toContain('Content-Encoding "br"');
    await expectStillAnswers(r);
  });

  it('accepts application/json with a charset parameter', async () => {
    const res = await postJson(r, jsonTraces(jsonSpan('00000000000000c2')), '/v1/traces', {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(200);
    expect(r.sink.spans().map((s) => s.spanId)).toContain('00000000000000c2');
  });
});

describe('routes', () => {
  it('answers an unknown path with 404 and a Status', async () => {
    const res = await postJson(r, '{}', '/v1/metrics');
    expect(res.status).toBe(404);
    expect((await readJson(res)).message).toContain('No OTLP endpoint at /v1/metrics');
    await expectStillAnswers(r);
  });

  it('answers another method with 405 and Allow: POST', async () => {
    const res = await fetch(`${r.httpUrl}/v1/traces`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await readJson(res)).message).toContain('accepts only POST, not GET');
    await expectStillAnswers(r);
  });
});

describe('empty requests', () => {
  it('answers an empty protobuf request with 200 and an empty body', async () => {
    const before = r.sink.batches.length;
    const res = await postProtobuf(r, new Uint8Array(0));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(r.sink.batches).toHaveLength(before);
  });

  it('answers an empty JSON request with 200 and {}', async () => {
    const res = await postJson(r, '{}');
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({});
    const logs = await postJson(r, '{"resourceLogs": []}', '/v1/logs');
    expect(logs.status).toBe(200);
    expect(await readJson(logs)).toEqual({});
  });
});

describe('partial success', () => {
  it('delivers the good span and reports the one without a span id (JSON)', async () => {
    const before = r.sink.spans().length;
    const bad = { ...jsonSpan(''), name: 'no span id' };
    const res = await postJson(r, jsonTraces(jsonSpan('00000000000000d1', 'good'), bad));
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.partialSuccess?.rejectedSpans).toBe('1');
    expect(body.partialSuccess?.errorMessage).toMatch(/^Rejected 1 of 2 spans: .+/);
    const delivered = r.sink.spans().slice(before);
    expect(delivered.map((s) => s.name)).toEqual(['good']);
    expect(r.receiver.stats().http.spans.rejected).toBeGreaterThanOrEqual(1);
  });

  it('answers with a protobuf partial_success when no span is usable, and delivers nothing', async () => {
    const batches = r.sink.batches.length;
    const res = await postProtobuf(r, PROTOBUF_SPAN_WITHOUT_IDS);
    expect(res.status).toBe(200);
    const partial = readPartialSuccess(new Uint8Array(await res.arrayBuffer()));
    expect(partial?.rejected).toBe(1);
    expect(partial?.errorMessage).toMatch(/^Rejected 1 of 1 spans: .+/);
    expect(r.sink.batches).toHaveLength(batches);
  });
});

describe('pipeline refusal', () => {
  it('answers a full queue with 429 and Retry-After from the error', async () => {
    r.sink.refuseWith(new RefusedError('The pipeline queue is full.', 'queue', 7));
    const res = await postJson(r, jsonTraces(jsonSpan('00000000000000e1')));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await readJson(res)).message).toBe('The pipeline queue is full.');
    expect(r.receiver.stats().http.spans.refused.queue).toBeGreaterThanOrEqual(1);
    r.sink.accept();
    await expectStillAnswers(r);
  });

  it('answers a memory refusal with 503 and Retry-After, in protobuf for a protobuf request', async () => {
    r.sink.refuseWith(new RefusedError('Over the memory high-water mark.', 'memory', 3));
    const res = await postProtobuf(r, Buffer.from(PROTOBUF_SPAN_WITHOUT_IDS));
    // No usable span means nothing to refuse: the request succeeds with partial_success.
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const json = await postJson(r, jsonTraces(jsonSpan('00000000000000e2')));
    expect(json.status).toBe(503);
    expect(json.headers.get('retry-after')).toBe('3');
    expect(r.sink.spans().map((s) => s.spanId)).not.toContain('00000000000000e2');
    r.sink.accept();
    await expectStillAnswers(r);
  });
});

describe('pipeline failure', () => {
  it('answers 500 and logs one warning without the body, however many requests fail', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    const { receiver, sink } = buildReceiver({ grpc: false }, undefined, logger);
    await receiver.start();
    try {
      const url = `http://127.0.0.1:${receiver.addresses().http!.port}/v1/traces`;
      sink.refuseWith(new Error('disk on fire'));
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: jsonTraces({ ...jsonSpan('00000000000000f1'), name: 'SECRET-PROMPT' }),
        });
        expect(res.status).toBe(500);
        expect((await readJson(res)).message).toContain('internal error');
      }
      const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].err.message).toBe('disk on fire');
      expect(lines.join('')).not.toContain('SECRET-PROMPT');
      expect(receiver.stats().http.requests.failed.internal).toBe(3);
    } finally {
      await receiver.shutdown();
    }
  });
});

describe('memory high-water mark', () => {
  it('answers 503 with Retry-After before reading the body while the heap is over the limit', async () => {
    const low = await startReceiver({ memory_limit_mib: 1, grpc: false });
    try {
      const res = await postJson(low, jsonTraces(jsonSpan('0000000000000101')));
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await readJson(res)).message).toMatch(/memory .* is above its limit of 1 MiB/);
      expect(low.sink.batches).toHaveLength(0);
      expect(low.receiver.stats().http.requests.failed.memory).toBe(1);
    } finally {
      await low.stop();
    }
  });

  it('gives a request that can never be taken its final answer, not a 503 to retry for ever', async () => {
    const low = await startReceiver({ memory_limit_mib: 1, grpc: false, http: { max_request_body_bytes: 1024 } });
    try {
      const tooLarge = await postJson(low, jsonTraces(jsonSpan('0000000000000102', 'x'.repeat(4096))));
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.headers.get('retry-after')).toBeNull();
      const wrongType = await postJson(low, '{}', '/v1/traces', { 'Content-Type': 'text/plain' });
      expect(wrongType.status).toBe(415);
      expect(low.receiver.stats().http.requests.failed.memory).toBe(0);
    } finally {
      await low.stop();
    }
  });
});

/** Gzips `size` bytes of zeros without ever holding them: the bomb is built from a stream. */
function gzipZeros(size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (c: Buffer) => parts.push(c));
    gzip.on('end', () => resolve(Buffer.concat(parts)));
    gzip.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024);
    let left = size / chunk.length;
    const write = () => {
      while (left > 0) {
        left--;
        if (!gzip.write(chunk)) return void gzip.once('drain', write);
      }
      gzip.end();
    };
    write();
  });
}

describe('concurrent request limit', () => {
  it('answers requests past max_concurrent_requests with 429 and Retry-After at once, and takes them again once one is answered', async () => {
    const small = await startReceiver({ http: { max_concurrent_requests: 2 }, grpc: false });
    try {
      const held = small.sink.hold();
      const first = postJson(small, jsonTraces(jsonSpan('0000000000000201')));
      await held;
      const second = postJson(small, jsonTraces(jsonSpan('0000000000000202')));
      // Both are in the pipeline or reading: the third is turned away before its body is read.
      await new Promise((r) => setTimeout(r, 100));
      const third = await postJson(small, jsonTraces(jsonSpan('0000000000000203')));
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('1');
      expect((await readJson(third)).message).toMatch(
        /handling 2 requests, its limit \(receivers\.otlp\.protocols\.http\.max_concurrent_requests\)/,
      );
      expect(small.receiver.stats().http.requests.failed.queue).toBe(1);
      small.sink.release();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      expect((await postJson(small, jsonTraces(jsonSpan('0000000000000204')))).status).toBe(200);
    } finally {
      small.sink.release();
      await small.stop();
    }
  });
});
