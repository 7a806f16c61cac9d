// Overload: the agent as users run it (`faultline run`, its own process, the postgres exporter),
// configured with a small capacity (4 requests at once, 500 items in flight, a 150 MiB memory mark under a 192 MiB heap limit). Its
// capacity is
// measured with a closed-loop sender, then five times that rate is offered open-loop: every request
// is answered (200, or 429/503 with Retry-After; none is reset, however many connections wait to be
// accepted), the process's RSS grows by less than the mark over its size when the receiver started, and once the load drops
// every request is accepted again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { createOwnDatabase } from '../support/database.ts';
import { genAiTraceRequest } from '../support/otlp-fixtures.ts';
import { postOtlp } from '../support/otlp-post.ts';

const MARK_MIB = 150;
/** --max-old-space-size: the mark is within 80% of it. */
const HEAP_LIMIT_MIB = 192;
const SPANS_PER_REQUEST = 50;
/** Request bodies cycled through: a trace comes round again after the assembler has let it go. */
const BODIES = 400;
/** Closed-loop senders while measuring: enough that the agent, not the round trip, is the limit. */
const SENDERS = 16;

let database: Awaited<ReturnType<typeof createOwnDatabase>>;
let dir: string;
let agent: AgentProcess | undefined;
let url = '';
let metricsUrl = '';
/** The agent's resident set when its receiver started listening, as it logged it: what the mark bounds growth over. */
let startRss = 0;

/** The agent's heap in use, from its own metrics. */
const heapMib = async (): Promise<number> => {
  const text = await (await fetch(metricsUrl)).text();
  return Number(/^faultline_process_heap_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1]) / 2 ** 20;
};

/** The agent's resident set, from /proc (Linux, where CI runs). */
const rssMib = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

beforeAll(async () => {
  database = await createOwnDatabase('e2e_overload');
  dir = mkdtempSync(join(tmpdir(), 'faultline-overload-'));
  const config = join(dir, 'agent.yaml');
  writeFileSync(
    config,
    `
receivers:
  otlp:
    protocols: { http: { endpoint: "127.0.0.1:0", max_concurrent_requests: 4 } }
    memory_limit_mib: ${MARK_MIB}
processors:
  normalize: {}
  trace_assembler: { wait_ms: 200, flush_interval_ms: 50 }
  detectors: {}
  classifier: {}
  incidents: {}
exporters:
  postgres: { spill: { path: "${join(dir, 'spill.sqlite')}" } }
storage: { url: "${database.url}" }
api: { enabled: false }
service:
  max_inflight_items: 500
  telemetry: { logs: { level: info }, metrics: { endpoint: "127.0.0.1:0" } }
  pipelines:
    genai: { receivers: [otlp], processors: [normalize, trace_assembler, detectors, classifier, incidents], exporters: [postgres] }
`,
  );
  // As deployed (docs/threat-model.md): a heap limit the mark sits under, so V8 also collects garbage before the mark is reached.
  agent = startAgentProcess(resolve(config), { cwd: dir, env: { NODE_OPTIONS: `--max-old-space-size=${HEAP_LIMIT_MIB}` } });
  const listening = await agent.waitFor('the OTLP receiver', () => agent!.logged('OTLP receiver listening.'));
  url = `http://${listening.http as string}/v1/traces`;
  startRss = listening.rss_at_start_mib as number;
  const metrics = await agent.waitFor('the metrics endpoint', () => agent!.logged('Metrics endpoint listening.'));
  metricsUrl = `http://${metrics.endpoint as string}/metrics`;
}, 120_000);

afterAll(async () => {
  if (agent && agent.child.exitCode === null) {
    agent.child.kill('SIGTERM');
    await agent.exit;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  await database?.drop();
});

interface Answer {
  status: number;
  retryAfter: string | null;
}

async function send(body: Uint8Array): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    return { status: 0, retryAfter: `${(err as Error).message} ${String((err as { cause?: unknown }).cause)}` };
  }
}

describe('overload at five times capacity', () => {
  it('refuses with 429/503 and Retry-After, keeps RSS growth under the mark, and accepts again when the load drops', async () => {
    const pid = agent!.child.pid!;
    // Distinct traces, as a gateway sends: the same trace ids sent again and again would pile up in
    // the trace assembler (it holds a trace until it has been quiet) rather than pass through.
    const bodies = Array.from({ length: BODIES }, (_, i) => genAiTraceRequest(SPANS_PER_REQUEST, { seed: i + 1 }).protobuf);
    let sent = 0;
    const next = () => bodies[sent++ % BODIES];
    let peakRss = 0;
    const running = () => agent!.child.exitCode === null && agent!.child.signalCode === null;
    const sampler = setInterval(() => {
      try {
        if (running()) peakRss = Math.max(peakRss, rssMib(pid));
      } catch {
        // gone between the check and the read; the test says so below
      }
    }, 25);

    // Warm-up, then the idle resident set the mark is counted on top of. A sender retries a refusal
    // (the machine running the test may be busy); the warm-up only needs the calls accepted.
    for (let i = 0; i < 20; i++) expect((await postOtlp(url, 'application/x-protobuf', next())).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const idleRss = rssMib(pid);
    const idleHeap = await heapMib();

    // Capacity: spans per second accepted by a closed loop of senders enough to keep the agent busy.
    let accepted = 0;
    const measureUntil = performance.now() + 3_000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, w) => {
        for (let i = w; performance.now() < measureUntil; i++) if ((await send(next())).status === 200) accepted += SPANS_PER_REQUEST;
      }),
    );
    const capacity = accepted / ((performance.now() - started) / 1000);

    // Five times that, open loop: requests start on schedule whatever the answers.
    const rate = (5 * capacity) / SPANS_PER_REQUEST;
    const answers: Promise<Answer>[] = [];
    const overloadStart = performance.now();
    let peakDuringLoad = 0;
    while (performance.now() - overloadStart < 4_000) {
      const due = Math.floor(((performance.now() - overloadStart) / 1000) * rate);
      while (answers.length < due) answers.push(send(next()));
      peakDuringLoad = Math.max(peakDuringLoad, peakRss);
      await new Promise((r) => setTimeout(r, 5));
    }
    const overload = await Promise.all(answers);
    const byStatus = overload.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});

    // The load drops to one sender at half the measured capacity (a sender going as fast as it can
    // may itself be more than the agent's capacity on a busy machine): once the backlog of what was
    // accepted has been worked off, every request is accepted again, five in a row and then twenty.
    const paceMs = (1000 * SPANS_PER_REQUEST) / (capacity / 2);
    const paced = async (): Promise<Answer> => {
      const sentAt = performance.now();
      const answer = await send(next());
      await new Promise((r) => setTimeout(r, Math.max(0, paceMs - (performance.now() - sentAt))));
      return answer;
    };
    const dropped = performance.now();
    let inRow = 0;
    let recoveredAt = dropped;
    while (inRow < 5 && performance.now() - dropped < 60_000) {
      if ((await paced()).status === 200) {
        if (inRow++ === 0) recoveredAt = performance.now();
      } else inRow = 0;
    }
    process.stdout.write(JSON.stringify(overload.filter((a) => a.status === 0).slice(0, 3)) + '\n');
    process.stdout.write(`overload: accepted again ${Math.round(recoveredAt - dropped)} ms after the load dropped\n`);
    const after: Answer[] = [];
    for (let i = 0; i < 20; i++) after.push(await paced());
    clearInterval(sampler);

    process.stdout.write(
      `overload: capacity ${Math.round(capacity)} spans/s, offered ${Math.round(rate * SPANS_PER_REQUEST)} spans/s (${overload.length} requests), answers ${JSON.stringify(byStatus)}, RSS at start ${startRss} MiB, idle ${idleRss.toFixed(0)} MiB (heap ${idleHeap.toFixed(0)}), peak ${peakRss.toFixed(0)} MiB, mark ${MARK_MIB} MiB\n`,
    );
    // Whatever the load, the agent is still running (a heap exhausted under it would end it).
    expect(
      running(),
      `the agent exited (${agent!.child.exitCode ?? agent!.child.signalCode}): ${agent!.otherOutput().slice(-2000)} ${JSON.stringify(agent!.logs.slice(-5))}`,
    ).toBe(true);
    expect(overload.length).toBeGreaterThan(50);
    expect(
      overload.filter((a) => ![200, 429, 503].includes(a.status)),
      'answers other than 200/429/503',
    ).toEqual([]);
    const refused = overload.filter((a) => a.status === 429 || a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.retryAfter !== null && Number(a.retryAfter) > 0)).toBe(true);
    // The mark bounds the heap in use and the bodies held, and what the resident set grows by over
    // its size when the receiver started (worker threads' heaps, committed young generation, buffers).
    expect(startRss).toBeGreaterThan(0);
    expect(peakRss - startRss).toBeLessThan(MARK_MIB);
    expect(after.map((a) => a.status)).toEqual(after.map(() => 200));
  }, 120_000);
});
