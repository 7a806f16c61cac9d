// OTLP/gRPC answered by status code: bad input, size limits, refusals and partial success, with a
// raw grpc-js client so the malformed cases can be sent at all.
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RefusedError } from '../../../../agent/core/errors.ts';
import { startReceiver, type ReceiverUnderTest } from './receiver-under-test.ts';
import { PROTOBUF_SPAN_WITHOUT_IDS, protobufTraces } from './requests.ts';
import { readFields, readPartialSuccess, readStatus } from './wire.ts';

const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const LIMIT = 64 * 1024;

let r: ReceiverUnderTest;
let client: grpc.Client;
let gzipClient: grpc.Client;
beforeAll(async () => {
  r = await startReceiver({ http: false, grpc: { max_recv_msg_size_bytes: LIMIT } });
  client = new grpc.Client(r.grpcTarget, grpc.credentials.createInsecure());
  gzipClient = new grpc.Client(r.grpcTarget, grpc.credentials.createInsecure(), {
    'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip,
  });
});
afterAll(async () => {
  client.close();
  gzipClient.close();
  await r.stop();
});
afterEach(() => r.sink.accept());

type Answer = { error: grpc.ServiceError | null; response: Buffer | undefined };
function call(path: string, body: Buffer, via = client): Promise<Answer> {
  return new Promise((resolve) => {
    via.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      (error, response) => resolve({ error, response }),
    );
  });
}

let good = 0;
async function expectStillAnswers(): Promise<void> {
  const spanId = (0x9000 + ++good).toString(16).padStart(16, '0');
  const { error, response } = await call(TRACES, protobufTraces(spanId));
  expect(error).toBeNull();
  expect(response?.length).toBe(0);
  expect(r.sink.spans().map((s) => s.spanId)).toContain(spanId);
}

describe('good requests', () => {
  it('delivers a span and answers OK with an empty response, with and without gzip', async () => {
    for (const via of [client, gzipClient]) {
      const spanId = via === client ? '0000000000000a01' : '0000000000000a02';
      const { error, response } = await call(TRACES, protobufTraces(spanId, 'chat gpt-4o'), via);
      expect(error).toBeNull();
      expect(response?.length).toBe(0);
      expect(r.sink.spans().find((s) => s.spanId === spanId)?.name).toBe('chat gpt-4o');
    }
  });

  it('answers an empty request with OK', async () => {
    const batches = r.sink.batches.length;
    expect((await call(TRACES, Buffer.alloc(0))).error).toBeNull();
    expect((await call(LOGS, Buffer.alloc(0))).error).toBeNull();
    expect(r.sink.batches).toHaveLength(batches);
  });

  it('answers OK with partial_success when spans lack ids', async () => {
    const { error, response } = await call(TRACES, PROTOBUF_SPAN_WITHOUT_IDS);
    expect(error).toBeNull();
    const partial = readPartialSuccess(response!);
    expect(partial?.rejected).toBe(1);
    expect(partial?.errorMessage).toMatch(/^Rejected 1 of 1 spans: .+/);
    expect(r.receiver.stats().grpc.spans.rejected).toBeGreaterThanOrEqual(1);
  });
});

describe('bad input', () => {
  it('answers a malformed trace request with INVALID_ARGUMENT naming the problem', async () => {
    const { error } = await call(TRACES, Buffer.from('0a05', 'hex'));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toContain('resource_spans[0]: length 5 runs past the end of the message');
    expect(r.receiver.stats().grpc.requests.failed.malformed).toBeGreaterThan(0);
    await expectStillAnswers();
  });

  it('answers a malformed logs request with INVALID_ARGUMENT', async () => {
    const { error } = await call(LOGS, Buffer.from('ff', 'hex'));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/^The message is not a valid OTLP logs request: .+/);
    await expectStillAnswers();
  });

  it('answers a message over the limit with RESOURCE_EXHAUSTED', async () => {
    const big = Buffer.concat(Array.from({ length: 1000 }, (_, i) => protobufTraces(i.toString(16).padStart(16, '0'), 'x'.repeat(60))));
    expect(big.length).toBeGreaterThan(LIMIT);
    const { error } = await call(TRACES, big);
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await expectStillAnswers();
  });

  it('answers a gzipped message that inflates over the limit with RESOURCE_EXHAUSTED', async () => {
    const { error } = await call(TRACES, Buffer.alloc(20 * 1024 * 1024), gzipClient);
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(error?.details).toContain(`decompresses to a size larger than ${LIMIT}`);
    await expectStillAnswers();
  });
});

describe('pipeline answers', () => {
  it('answers a refusal with UNAVAILABLE and RetryInfo in the status details', async () => {
    r.sink.refuseWith(new RefusedError('The pipeline queue is full.', 'queue', 7));
    const { error } = await call(TRACES, protobufTraces('0000000000000b01'));
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(error?.details).toBe('The pipeline queue is full.');
    const [details] = error!.metadata.get('grpc-status-details-bin') as Buffer[];
    const status = readStatus(details);
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    const any = readFields(status.details[0]);
    expect((any.get(1)![0] as Buffer).toString()).toBe('type.googleapis.com/google.rpc.RetryInfo');
    const retryDelay = readFields(readFields(any.get(2)![0] as Buffer).get(1)![0] as Buffer);
    expect(retryDelay.get(1)![0]).toBe(7);
    expect(r.receiver.stats().grpc.spans.refused.queue).toBe(1);
    r.sink.accept();
    await expectStillAnswers();
  });

  it('answers any other pipeline error with INTERNAL', async () => {
    r.sink.refuseWith(new Error('disk on fire'));
    const { error } = await call(TRACES, protobufTraces('0000000000000b02'));
    expect(error?.code).toBe(grpc.status.INTERNAL);
    expect(error?.details).not.toContain('disk on fire');
    r.sink.accept();
    await expectStillAnswers();
  });

  it('answers UNAVAILABLE while the heap is over memory_limit_mib', async () => {
    const low = await startReceiver({ http: false, memory_limit_mib: 1 });
    const lowClient = new grpc.Client(low.grpcTarget, grpc.credentials.createInsecure());
    try {
      const { error } = await call(TRACES, protobufTraces('0000000000000b03'), lowClient);
      expect(error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(error?.details).toMatch(/above its limit of 1 MiB/);
      expect(low.sink.batches).toHaveLength(0);
    } finally {
      lowClient.close();
      await low.stop();
    }
  });
});
