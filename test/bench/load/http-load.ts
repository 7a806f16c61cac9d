// Sends OTLP/JSON requests to the agent's HTTP receiver as an OTLP exporter does: keep-alive
// connections, and a refused request (429/503) retried after its Retry-After. Either as fast as
// the agent accepts them over a fixed number of connections, or paced at a fixed rate with each
// request's receive-to-ack time recorded.
import { Agent, request } from 'node:http';
import type { Body } from './traffic.ts';

export interface SendTally {
  /** Spans acknowledged with 200. */
  spans: number;
  requests: number;
  /** 429/503 answers (each retried after Retry-After), by status. */
  refused: Record<number, number>;
  /** Retry-After values seen, in seconds. */
  retryAfter: number[];
  /** Requests resent after the connection broke (a keep-alive socket the server had just closed). */
  resent: number;
}

const newTally = (): SendTally => ({ spans: 0, requests: 0, refused: {}, retryAfter: [], resent: 0 });

function post(agent: Agent, port: number, body: Buffer): Promise<{ status: number; retryAfter: number | null }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.byteLength },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const after = Number(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, retryAfter: Number.isFinite(after) ? after : null });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts one request until it is accepted, honouring Retry-After; returns ms from the last send to its ack. */
async function deliver(agent: Agent, port: number, body: Body, tally: SendTally): Promise<number> {
  for (;;) {
    const sent = performance.now();
    let answer: { status: number; retryAfter: number | null };
    try {
      answer = await post(agent, port, body.json);
    } catch (err) {
      // As OTLP exporters do: a broken connection is retried, a refused one waits for Retry-After.
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET' || tally.resent >= 1_000) throw err;
      tally.resent++;
      continue;
    }
    const { status, retryAfter } = answer;
    const ms = performance.now() - sent;
    tally.requests++;
    if (status === 200) {
      tally.spans += body.spans;
      return ms;
    }
    if (status !== 429 && status !== 503) throw new Error(`the agent answered HTTP ${status} to an OTLP/JSON request`);
    tally.refused[status] = (tally.refused[status] ?? 0) + 1;
    if (retryAfter !== null) tally.retryAfter.push(retryAfter);
    await new Promise((r) => setTimeout(r, Math.min(retryAfter ?? 1, 5) * 1000));
  }
}

/** Every body once, over `connections` keep-alive connections, each sending its next as soon as the last is acked. */
export async function saturate(port: number, bodies: readonly Body[], connections: number): Promise<SendTally> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const tally = newTally();
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < bodies.length) await deliver(agent, port, bodies[next++], tally);
    }),
  );
  agent.destroy();
  return tally;
}

/** Requests at `spansPerSec` for `seconds`, bodies taken in turn from `nextBody`; the sorted ack latencies (ms). */
export async function paced(
  port: number,
  nextBody: () => Body,
  spansPerSec: number,
  seconds: number,
): Promise<{ latencies: number[]; tally: SendTally }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const tally = newTally();
  const latencies: number[] = [];
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let due = start;
  while (due - start < seconds * 1000) {
    const body = nextBody();
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(deliver(agent, port, body, tally).then((ms) => void latencies.push(ms)));
    due += (1000 * body.spans) / spansPerSec;
  }
  await Promise.all(inflight);
  agent.destroy();
  return { latencies: latencies.sort((a, b) => a - b), tally };
}
