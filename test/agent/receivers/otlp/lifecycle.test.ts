// Start and shutdown: bound addresses, one lifecycle log line, clear errors for busy ports,
// draining in-flight requests, and refusing what arrives once shutdown has begun.
import * as grpc from '@grpc/grpc-js';
import { createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildReceiver, startReceiver } from './receiver-under-test.ts';
import { jsonSpan, jsonTraces, postJson, protobufTraces } from './requests.ts';

const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

function grpcCall(client: grpc.Client, body: Buffer): Promise<grpc.ServiceError | null> {
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      TRACES,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      (err) => resolve(err),
    ),
  );
}

describe('start', () => {
  it('binds both protocols on port 0, exposes the real ports and logs once', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    const { receiver } = buildReceiver({}, undefined, logger);
    expect(receiver.addresses()).toEqual({});
    await receiver.start();
    try {
      const { http, grpc: g } = receiver.addresses();
      expect(http?.port).toBeGreaterThan(0);
      expect(g?.port).toBeGreaterThan(0);
      expect(http?.host).toBe('127.0.0.1');
      const logged = lines.map((l) => JSON.parse(l));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        level: 30,
        msg: 'OTLP receiver listening.',
        http: `127.0.0.1:${http?.port}`,
        grpc: `127.0.0.1:${g?.port}`,
      });
    } finally {
      await receiver.shutdown();
    }
  });

  it('serves only the configured protocol', async () => {
    const r = await startReceiver({ grpc: false });
    try {
      expect(Object.keys(r.receiver.addresses())).toEqual(['http']);
    } finally {
      await r.stop();
    }
  });

  it('fails with an error naming the endpoint when the HTTP port is in use', async () => {
    const busy = await occupyPort();
    try {
      const { receiver } = buildReceiver({ http: { endpoint: `127.0.0.1:${busy.port}` } });
      await expect(receiver.start()).rejects.toThrow(
        `The OTLP/HTTP receiver cannot listen on 127.0.0.1:${busy.port}: the address is already in use`,
      );
      await receiver.shutdown();
    } finally {
      busy.server.close();
    }
  });

  it('fails with an error naming the endpoint when the gRPC port is in use, and releases the HTTP port', async () => {
    const busy = await occupyPort();
    try {
      const { receiver } = buildReceiver({ grpc: { endpoint: `127.0.0.1:${busy.port}` } });
      await expect(receiver.start()).rejects.toThrow(
        `The OTLP/gRPC receiver cannot listen on 127.0.0.1:${busy.port}: the address is already in use`,
      );
      const httpPort = receiver.addresses().http!.port;
      await expect(fetch(`http://127.0.0.1:${httpPort}/v1/traces`)).rejects.toThrow();
      await receiver.shutdown();
    } finally {
      busy.server.close();
    }
  });
});

describe('shutdown', () => {
  it('is safe without start and when called twice', async () => {
    const { receiver } = buildReceiver();
    await receiver.shutdown();
    await receiver.shutdown();
  });

  it('lets an in-flight HTTP request finish, then refuses connections', async () => {
    const r = await startReceiver({ grpc: false });
    const waiting = r.sink.hold();
    const inFlight = postJson(r, jsonTraces(jsonSpan('0000000000000c01')));
    await waiting;

    const stopping = r.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);

    r.sink.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    await stopping;
    expect(r.sink.spans().map((s) => s.spanId)).toEqual(['0000000000000c01']);
    await expect(postJson(r, jsonTraces(jsonSpan('0000000000000c02')))).rejects.toThrow();
  });

  it('lets an in-flight gRPC call finish, then answers UNAVAILABLE', async () => {
    const r = await startReceiver({ http: false });
    const client = new grpc.Client(r.grpcTarget, grpc.credentials.createInsecure());
    try {
      const waiting = r.sink.hold();
      const inFlight = grpcCall(client, protobufTraces('0000000000000c03'));
      await waiting;
      const stopping = r.stop();
      r.sink.release();
      expect(await inFlight).toBeNull();
      await stopping;
      const err = await grpcCall(client, protobufTraces('0000000000000c04'));
      expect(err?.code).toBe(grpc.status.UNAVAILABLE);
      expect(r.sink.spans().map((s) => s.spanId)).toEqual(['0000000000000c03']);
    } finally {
      client.close();
    }
  });
});
