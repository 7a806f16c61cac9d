// The fault proxy itself, against a local echo server: bytes arrive intact under every shaping
// fault, and each fault does what it says (the lower bounds on time cannot fail on a slow machine).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** An echo server that also records the size of every read. */
async function echoServer(): Promise<{ port: number; reads: number[] }> {
  const reads: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('data', (d) => {
      reads.push(d.length);
      s.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, reads };
}

async function proxyToEcho(initial = {}): Promise<{ proxy: FaultProxy; reads: number[] }> {
  const echo = await echoServer();
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: echo.port }, initial });
  cleanup.push(() => proxy.close());
  return { proxy, reads: echo.reads };
}

function connect(proxy: FaultProxy): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: proxy.host, port: proxy.port }, () => resolve(s));
    s.once('error', reject);
    cleanup.push(() => void s.destroy());
  });
}

/** Sends `payload` and resolves with the echo once `payload.length` bytes came back. */
function roundTrip(socket: net.Socket, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let n = 0;
    const onData = (d: Buffer) => {
      got.push(d);
      n += d.length;
      if (n >= payload.length) {
        socket.off('data', onData);
        resolve(Buffer.concat(got));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(payload);
  });
}

const outcome = (socket: net.Socket, ms: number) =>
  new Promise<string>((resolve) => {
    socket.once('data', () => resolve('data'));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    socket.once('close', () => resolve('closed'));
    setTimeout(() => resolve('silence'), ms);
  });

describe('fault proxy', () => {
  it('carries 256 KiB intact both ways under latency, jitter, a bandwidth cap and slicing at once', async () => {
    const { proxy } = await proxyToEcho({ latencyMs: 5, jitterMs: 5, bytesPerSec: 4 << 20, sliceBytes: 1_000 });
    const payload = randomBytes(256 * 1024);
    const echoed = await roundTrip(await connect(proxy), payload);
    expect(echoed.equals(payload)).toBe(true);
    expect(proxy.stats()).toMatchObject({ bytesUp: payload.length, bytesDown: payload.length, resets: 0 });
  });

  it('delays each direction by the latency', async () => {
    const { proxy } = await proxyToEcho({ latencyMs: 150 });
    const socket = await connect(proxy);
    const started = performance.now();
    await roundTrip(socket, Buffer.from('ping'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 150 - 2);
  });

  it('holds each direction to the bandwidth cap', async () => {
    const { proxy } = await proxyToEcho({ bytesPerSec: 64 * 1024 });
    const socket = await connect(proxy);
    const started = performance.now();
    await roundTrip(socket, randomBytes(64 * 1024));
    // 64 KiB up at 64 KiB/s takes a second; the echo then waits its own share of the cap.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('forwards in writes no larger than the slice size', async () => {
    const { proxy, reads } = await proxyToEcho({ sliceBytes: 100 });
    const payload = randomBytes(20_000);
    expect((await roundTrip(await connect(proxy), payload)).equals(payload)).toBe(true);
    // Reads can merge writes that arrive together, but never all 200 of them into a few.
    expect(reads.length).toBeGreaterThan(20);
  });

  it('resets open connections on demand', async () => {
    const { proxy } = await proxyToEcho();
    const socket = await connect(proxy);
    await roundTrip(socket, Buffer.from('hello'));
    const result = outcome(socket, 2_000);
    proxy.resetConnections();
    expect(await result).toBe('ECONNRESET');
  });

  it('resets every new connection in reset mode, and open ones when it is set', async () => {
    const { proxy } = await proxyToEcho();
    const open = await connect(proxy);
    const openResult = outcome(open, 2_000);
    await proxy.set({ mode: 'reset' });
    expect(await openResult).toBe('ECONNRESET');
    const fresh = net.connect({ host: proxy.host, port: proxy.port });
    cleanup.push(() => void fresh.destroy());
    expect(await outcome(fresh, 2_000)).toBe('ECONNRESET');
  });

  it('resets a connection once it has carried the given number of bytes', async () => {
    const { proxy } = await proxyToEcho({ resetAfterBytes: 1_000 });
    const socket = await connect(proxy);
    await roundTrip(socket, Buffer.alloc(100));
    const result = outcome(socket, 2_000);
    socket.write(Buffer.alloc(2_000));
    expect(await result).toMatch(/^(ECONNRESET|data)$/);
    expect(await outcome(socket, 2_000)).toMatch(/^(ECONNRESET|closed)$/);
    expect(proxy.stats().resets).toBe(1);
  });

  it('accepts and never answers in timeout mode, then delivers what was held once it ends', async () => {
    const { proxy } = await proxyToEcho({ mode: 'timeout' });
    const socket = await connect(proxy);
    const pending = roundTrip(socket, Buffer.from('held'));
    expect(await outcome(socket, 300)).toBe('silence');
    await proxy.heal();
    expect((await pending).toString()).toBe('held');
  });

  it('refuses connections while down, cuts open ones, and listens on the same port again when up', async () => {
    const { proxy } = await proxyToEcho();
    const open = await connect(proxy);
    const openResult = outcome(open, 2_000);
    await proxy.set({ mode: 'down' });
    expect(await openResult).toBe('ECONNRESET');
    await expect(connect(proxy)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.set({ mode: 'up' });
    expect((await roundTrip(await connect(proxy), Buffer.from('back'))).toString()).toBe('back');
  });
});
