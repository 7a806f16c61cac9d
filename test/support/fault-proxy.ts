// A TCP proxy that plays network faults between a client and a server, for tests and the soak:
// latency with jitter, a bandwidth cap, slicing into small writes, connection resets (now, on
// every new connection, or after N bytes), a server that accepts and never answers (traffic stalls
// until the fault ends, as with a hung server), and a down switch (not listening: connection
// refused). Faults change while connections are open; each direction keeps its byte order.
import net from 'node:net';

export type FaultMode =
  /** Forward, with the latency, jitter, bandwidth and slicing set. */
  | 'up'
  /** Not listening (connection refused); open connections are reset. */
  | 'down'
  /** Connections are accepted and nothing is forwarded either way until the mode changes. */
  | 'timeout'
  /** Every new connection is reset as soon as it is accepted. */
  | 'reset';

export interface Faults {
  mode: FaultMode;
  /** Added to every chunk, each direction. */
  latencyMs: number;
  /** Each chunk's latency varies by up to ± this much (order is kept). */
  jitterMs: number;
  /** Bytes per second, each direction of each connection; 0: no cap. */
  bytesPerSec: number;
  /** Forward in separate writes of at most this many bytes; 0: as received. */
  sliceBytes: number;
  /** Reset a connection once it has carried this many bytes (both directions); 0: never. */
  resetAfterBytes: number;
}

export interface FaultProxyStats {
  /** Connections accepted since start. */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** Connections this proxy reset. */
  resets: number;
  /** Bytes forwarded client → server and server → client. */
  bytesUp: number;
  bytesDown: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  readonly faults: Readonly<Faults>;
  /** Changes the faults; resolves once the listener is in the new state (down closes it, up reopens it). */
  set(faults: Partial<Faults>): Promise<void>;
  /** Back to plain forwarding. */
  heal(): Promise<void>;
  /** Resets every open connection now. */
  resetConnections(): void;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

const CLEAR: Faults = { mode: 'up', latencyMs: 0, jitterMs: 0, bytesPerSec: 0, sliceBytes: 0, resetAfterBytes: 0 };
/** Queued bytes per direction above which the sending side is paused, and below which it resumes. */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

interface Connection {
  client: net.Socket;
  server: net.Socket;
  up: Pipe;
  down: Pipe;
  carried: number;
}

export async function startFaultProxy(options: {
  target: { host: string; port: number };
  /** Listening port; 0 (default) picks a free one, kept across down/up. */
  port?: number;
  host?: string;
  initial?: Partial<Faults>;
}): Promise<FaultProxy> {
  const host = options.host ?? '127.0.0.1';
  let faults: Faults = { ...CLEAR, ...options.initial };
  const connections = new Set<Connection>();
  const stats = { accepted: 0, resets: 0, bytesUp: 0, bytesDown: 0 };
  let closed = false;

  const reset = (c: Connection) => {
    if (!connections.delete(c)) return;
    stats.resets++;
    c.up.stop();
    c.down.stop();
    c.client.resetAndDestroy();
    c.server.resetAndDestroy();
  };
  const carried = (c: Connection, n: number) => {
    c.carried += n;
    if (faults.resetAfterBytes > 0 && c.carried >= faults.resetAfterBytes) reset(c);
  };

  const accept = (client: net.Socket) => {
    stats.accepted++;
    if (faults.mode === 'reset' || faults.mode === 'down' || closed) {
      stats.resets++;
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const server = net.connect({ host: options.target.host, port: options.target.port });
    server.setNoDelay(true);
    const c: Connection = {
      client,
      server,
      carried: 0,
      up: createPipe(
        client,
        server,
        () => faults,
        (n) => ((stats.bytesUp += n), carried(c, n)),
      ),
      down: createPipe(
        server,
        client,
        () => faults,
        (n) => ((stats.bytesDown += n), carried(c, n)),
      ),
    };
    connections.add(c);
    // One side failing takes the other down the same way: an error resets, a close ends.
    const fail = () => reset(c);
    client.on('error', fail);
    server.on('error', fail);
    const closeBoth = () => {
      if (!connections.delete(c)) return;
      c.up.stop();
      c.down.stop();
      client.destroy();
      server.destroy();
    };
    client.on('close', closeBoth);
    server.on('close', closeBoth);
  };

  let listener = await listen(net.createServer(accept), host, options.port ?? 0);
  const port = (listener.address() as net.AddressInfo).port;

  const proxy: FaultProxy = {
    host,
    port,
    get faults() {
      return faults;
    },
    async set(change) {
      const before = faults.mode;
      faults = { ...faults, ...change };
      if (faults.mode === 'down' && before !== 'down') {
        const stopped = closeListener(listener);
        for (const c of [...connections]) reset(c);
        await stopped;
      } else if (faults.mode !== 'down' && before === 'down' && !closed) {
        listener = await listen(net.createServer(accept), host, port);
      } else if (faults.mode === 'reset') {
        for (const c of [...connections]) reset(c);
      }
      for (const c of connections) {
        c.up.kick();
        c.down.kick();
      }
    },
    heal() {
      return proxy.set(CLEAR);
    },
    resetConnections() {
      for (const c of [...connections]) reset(c);
    },
    stats: () => ({ ...stats, open: connections.size }),
    async close() {
      if (closed) return;
      closed = true;
      const stopped = faults.mode === 'down' ? Promise.resolve() : closeListener(listener);
      for (const c of [...connections]) reset(c);
      await stopped;
    },
  };
  return proxy;
}

interface Pipe {
  /** Re-checks the queue (after a fault change). */
  kick(): void;
  stop(): void;
}

/** One direction of a connection: chunks queued with their due time, written in order when due. */
function createPipe(from: net.Socket, to: net.Socket, faults: () => Faults, forwarded: (n: number) => void): Pipe {
  const queue: { data: Buffer | null; dueMs: number }[] = []; // null: the sender ended its side
  let queued = 0;
  let lastDueMs = 0;
  let wireFreeAtMs = 0;
  let timer: NodeJS.Timeout | null = null;
  let slicing: NodeJS.Immediate | null = null;
  let waitingForDrain = false;
  let stopped = false;

  const pushSliced = (data: Buffer, dueMs: number, sliceBytes: number) => {
    if (sliceBytes <= 0) queue.push({ data, dueMs });
    else for (let i = 0; i < data.length; i += sliceBytes) queue.push({ data: data.subarray(i, i + sliceBytes), dueMs });
  };

  const enqueue = (data: Buffer | null) => {
    const f = faults();
    const now = performance.now();
    const jitter = f.jitterMs > 0 ? (Math.random() * 2 - 1) * f.jitterMs : 0;
    const due = Math.max(now + Math.max(0, f.latencyMs + jitter), lastDueMs);
    lastDueMs = due;
    if (data && f.bytesPerSec > 0) {
      // On a capped wire a piece arrives once its last byte has crossed: pieces of 1/50 s each,
      // so a large chunk trickles in rather than arriving whole after the wait.
      const piece = Math.max(1, Math.floor(f.bytesPerSec / 50));
      for (let i = 0; i < data.length; i += piece) {
        const part = data.subarray(i, i + piece);
        wireFreeAtMs = Math.max(due, wireFreeAtMs) + (part.length * 1000) / f.bytesPerSec;
        pushSliced(part, wireFreeAtMs, f.sliceBytes);
      }
      lastDueMs = wireFreeAtMs;
    } else if (data) pushSliced(data, due, f.sliceBytes);
    else queue.push({ data, dueMs: due });
    if (data) {
      queued += data.length;
      if (queued > HIGH_WATER) from.pause();
    }
    flush();
  };

  const flush = () => {
    if (stopped || waitingForDrain || timer || slicing) return;
    const f = faults();
    if (f.mode === 'timeout') return; // kicked again when the mode changes
    while (queue.length > 0) {
      const head = queue[0];
      const wait = head.dueMs - performance.now();
      if (wait > 0) {
        timer = setTimeout(() => {
          timer = null;
          flush();
        }, wait);
        return;
      }
      queue.shift();
      if (head.data === null) {
        to.end();
        continue;
      }
      queued -= head.data.length;
      if (queued < LOW_WATER && from.isPaused()) from.resume();
      const ok = to.write(head.data);
      forwarded(head.data.length);
      if (stopped) return;
      if (!ok) {
        waitingForDrain = true;
        to.once('drain', () => {
          waitingForDrain = false;
          flush();
        });
        return;
      }
      if (f.sliceBytes > 0 && queue.length > 0) {
        // A turn of the event loop between slices, so each goes out as its own write.
        slicing = setImmediate(() => {
          slicing = null;
          flush();
        });
        return;
      }
    }
  };

  from.on('data', (chunk: Buffer) => enqueue(chunk));
  from.on('end', () => enqueue(null));
  return {
    kick: flush,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (slicing) clearImmediate(slicing);
      timer = null;
      slicing = null;
      queue.length = 0;
    },
  };
}

async function listen(server: net.Server, host: string, port: number): Promise<net.Server> {
  // Reopening on the port it had: another process may hold it for a moment after a close.
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return server;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function closeListener(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
