// `npm run soak -- --minutes N`: the agent in its own process, its bundled PostgreSQL behind a
// fault proxy that cuts it on a schedule, a flapping alert receiver, simulated traffic with
// content; progress while it runs, then the counts, the series and a verdict (see SOAK_HELP).
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { startFlappingReceiver } from './flapping-receiver.ts';
import { startSoakDatabase } from './soak-database.ts';
import { failureIdsInSpill } from './spill-leftovers.ts';
import { startSoakAgent } from './soak-agent.ts';
import { parseSoakOptions, SOAK_HELP, SoakUsageError, type SoakOptions } from './soak-options.ts';
import { progressLine, seriesTable, verdict, type Outcome, type Sample } from './soak-report.ts';
import { startTraffic } from './soak-traffic.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Distinct failure ids in the agent's events NDJSON, read incrementally: returns the set so far. */
function eventsReader(path: string): () => Set<string> {
  const ids = new Set<string>();
  let offset = 0;
  let partial = '';
  return () => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return ids; // not written yet
    }
    try {
      const buf = Buffer.alloc(1 << 20);
      for (let got = readSync(fd, buf, 0, buf.length, offset); got > 0; got = readSync(fd, buf, 0, buf.length, offset)) {
        offset += got;
        const lines = (partial + buf.subarray(0, got).toString('utf8')).split('\n');
        partial = lines.pop()!;
        for (const line of lines) if (line) ids.add((JSON.parse(line) as { failure_id: string }).failure_id);
      }
    } finally {
      closeSync(fd);
    }
    return ids;
  };
}

export interface SoakResult {
  outcome: Outcome;
  pass: boolean;
  /** Most records the spill buffer held at once. */
  bufferPeak: number;
}

/** Runs the soak, reporting each line through `say`; the verdict's pass is the caller's exit code. */
export async function runSoak(o: SoakOptions, say: (line: string) => void = print): Promise<SoakResult> {
  const dir = o.keepDir ?? mkdtempSync(join(tmpdir(), 'faultline-soak-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755); // as root, the bundled server runs as `postgres` and must enter it
  say(
    `faultline soak: ${o.minutes} min at ${o.spansPerSec} spans/s; PostgreSQL cut ${o.cutSecs} s every ${o.cutEverySecs} s; receiver down ${o.flapDownSecs} s every ${o.flapEverySecs} s; ` +
      `PostgreSQL ${o.serverUrl === null ? 'bundled' : 'given (--database)'}; work dir ${dir}`,
  );
  const database = await startSoakDatabase(o.serverUrl, dir);
  const direct = new pg.Client({ connectionString: database.url });
  const proxy = await startFaultProxy({ target: { host: database.host, port: database.port } });
  const receiver = await startFlappingReceiver();
  const proxiedUrl = new URL(database.url);
  proxiedUrl.port = String(proxy.port);
  let agent: Awaited<ReturnType<typeof startSoakAgent>> | null = null;
  try {
    agent = await startSoakAgent({
      dir,
      databaseUrl: proxiedUrl.toString(),
      receiverUrl: receiver.url,
      heapMarkMib: o.heapMarkMib,
      quietPeriodSecs: o.quietPeriodSecs,
    });
    await direct.connect();
    say(`Agent up (pid ${agent.child.pid}); log ${agent.logPath}.`);
    const producedIds = eventsReader(agent.eventsPath);
    const countEvents = () => producedIds().size;
    const stored = async () =>
      (await direct.query<{ n: number }>('SELECT count(DISTINCT failure_id)::int AS n FROM failure_events')).rows[0].n;

    const trafficMs = o.minutes * 60_000;
    const started = Date.now();
    const traffic = startTraffic(agent.otlpUrl, o.spansPerSec, trafficMs);
    const firstCut = o.cutEverySecs / 3;
    let lastCutEnd = 0;
    /** Seconds from the end of the latest cut until the buffer was first seen empty; null: not yet. */
    let drainSecs: number | null = null;
    // Faults follow the clock: PostgreSQL cut and receiver down on their schedules while traffic runs.
    const faults = setInterval(() => {
      const t = (Date.now() - started) / 1000;
      const running = t < o.minutes * 60;
      const cut = running && t >= firstCut && (t - firstCut) % o.cutEverySecs < o.cutSecs;
      if (cut !== (proxy.faults.mode === 'down')) {
        void proxy.set({ mode: cut ? 'down' : 'up' });
        if (!cut) {
          lastCutEnd = Date.now();
          drainSecs = null;
        }
      }
      receiver.setDown(running && t % o.flapEverySecs >= o.flapEverySecs - o.flapDownSecs);
    }, 200);

    const samples: Sample[] = [];
    const sample = async (): Promise<Sample> => {
      const m = await agent!.scrape();
      const s: Sample = {
        atSecs: (Date.now() - started) / 1000,
        spans: traffic.stats.spans,
        eventsProduced: countEvents(),
        eventsStored: await stored(),
        bufferRecords: m?.faultline_buffer_records ?? null,
        heapMib: m ? (m.faultline_process_heap_used_bytes ?? 0) / 1048576 : null,
        heapLiveMib: m?.faultline_process_heap_live_bytes === undefined ? null : m.faultline_process_heap_live_bytes / 1048576,
        rssMib: m ? (m.faultline_process_rss_bytes ?? 0) / 1048576 : null,
        loopLagMs: m ? (m['faultline_event_loop_lag_seconds{quantile="1"}'] ?? 0) * 1000 : null,
        pagesReceived: receiver.pages.size,
        postgresCut: proxy.faults.mode === 'down',
        receiverDown: receiver.isDown,
      };
      samples.push(s);
      if (lastCutEnd > 0 && drainSecs === null && !s.postgresCut && s.bufferRecords === 0) drainSecs = (Date.now() - lastCutEnd) / 1000;
      return s;
    };
    let printed: Sample | null = null;
    let trafficDone = false;
    void traffic.done.finally(() => (trafficDone = true));
    while (!trafficDone) {
      await sleep(1_000);
      const s = await sample();
      if (!printed || s.atSecs - printed.atSecs >= o.progressSecs) {
        say(progressLine(s, printed));
        printed = s;
      }
      if (agent.child.exitCode !== null)
        throw new Error(`The agent exited (${agent.child.exitCode}) during the soak; see ${agent.logPath}.`);
    }
    await traffic.done;
    clearInterval(faults);
    if (proxy.faults.mode === 'down') {
      lastCutEnd = Date.now();
      drainSecs = null;
    }
    await proxy.heal();
    receiver.setDown(false);
    const t = traffic.stats;
    say(
      `Traffic done: ${t.spans.toLocaleString('en-US')} spans in ${t.requests} requests, ${(t.spans / o.minutes / 60).toFixed(0)} spans/s on average ` +
        `(${t.retries} retries after 429/503 or a refused connection, ${t.refusedSpans} spans refused for good, requests up to ${(t.maxLagMs / 1000).toFixed(1)} s late, ` +
        `${t.skippedSpans.toLocaleString('en-US')} spans skipped as over 30 s late). ` +
        'Waiting for the buffer, the outbox and the incidents to settle.',
    );

    // Settled: buffer and outbox empty, incidents resolved (30 s quiet period) and their pages out.
    let settledPolls = 0;
    const settleDeadline = Date.now() + 240_000;
    while (Date.now() < settleDeadline && settledPolls < 5) {
      await sleep(1_000);
      const m = await agent.scrape();
      const s = await sample();
      const open = (await direct.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE state = 'open'")).rows[0].n;
      const quiet =
        s.bufferRecords === 0 &&
        (m?.faultline_notifications_pending ?? 1) === 0 &&
        open === 0 &&
        (m?.faultline_pipeline_inflight_items ?? 1) === 0;
      settledPolls = quiet ? settledPolls + 1 : 0;
      if (!printed || s.atSecs - printed.atSecs >= o.progressSecs) {
        say(`${progressLine(s, printed)} | settling: ${open} incidents open, ${m?.faultline_notifications_pending ?? '?'} pages pending`);
        printed = s;
      }
    }
    const final = await agent.scrape();
    const incidents = await direct.query<{ incident_id: string; state: string }>('SELECT incident_id, state FROM incidents');
    const expected = new Set<string>();
    for (const r of incidents.rows) {
      expected.add(`${r.incident_id} firing`);
      if (r.state === 'resolved') expected.add(`${r.incident_id} resolved`);
    }
    const agentExit = await agent.stop();
    const deadLettered = (await direct.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n;
    // Exact accounting by failure id: produced (NDJSON) against stored, and what still waits in the
    // spill file after the agent stopped (delivered at its next start, so not lost).
    const produced = producedIds();
    const storedIds = new Set(
      (await direct.query<{ failure_id: string }>('SELECT DISTINCT failure_id FROM failure_events')).rows.map((r) => r.failure_id),
    );
    const inBuffer = failureIdsInSpill(agent.spillPath);
    const unaccounted = [...produced].filter((id) => !storedIds.has(id) && !inBuffer.has(id));
    const outcome: Outcome = {
      eventsProduced: produced.size,
      eventsStored: storedIds.size,
      eventsInBufferAtExit: [...inBuffer].filter((id) => !storedIds.has(id)).length,
      unaccountedIds: unaccounted,
      lost: final?.faultline_buffer_lost_records_total ?? 0,
      deadLettered,
      sendFailedItems: final?.faultline_exporter_send_failed_items_total ?? 0,
      pagesExpected: expected.size,
      pagesReceived: [...expected].filter((p) => receiver.pages.has(p)).length,
      pagesMissing: [...expected].filter((p) => !receiver.pages.has(p)),
      heapMaxMib: Math.max(0, ...samples.map((s) => s.heapMib ?? 0)),
      heapLiveMaxMib: Math.max(0, ...samples.map((s) => s.heapLiveMib ?? 0)),
      heapMarkMib: o.heapMarkMib,
      drainSecs,
      agentExit,
    };
    say("\nPer minute: heap, RSS, buffer depth and event-loop lag at their highest, totals at the minute's end:");
    say(seriesTable(samples));
    say(
      `\nEvents produced ${outcome.eventsProduced}, stored ${outcome.eventsStored}, in the spill file at exit ${outcome.eventsInBufferAtExit}, ` +
        `counted lost ${outcome.lost}, dead-lettered ${deadLettered}. ` +
        `Pages received ${outcome.pagesReceived} of ${outcome.pagesExpected} expected (${incidents.rows.length} incidents; receiver answered ${receiver.counts.accepted}, refused ${receiver.counts.refused}). ` +
        `PostgreSQL cut ${Math.max(0, Math.floor((o.minutes * 60 - firstCut) / o.cutEverySecs) + 1)} times.`,
    );
    if (unaccounted.length > 0) say(`Produced but neither stored nor in the spill file: ${unaccounted.slice(0, 10).join(', ')}`);
    if (outcome.pagesMissing.length > 0) say(`Missing pages: ${outcome.pagesMissing.slice(0, 10).join(', ')}`);
    const v = verdict(outcome);
    say(v.text);
    return { outcome, pass: v.pass, bufferPeak: Math.max(0, ...samples.map((x) => x.bufferRecords ?? 0)) };
  } finally {
    await agent?.stop();
    await direct.end().catch(() => {});
    await receiver.close();
    await proxy.close();
    await database.stop();
    if (!o.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseSoakOptions(argv);
  } catch (err) {
    if (!(err instanceof SoakUsageError) && !(err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw err;
    process.stderr.write(`npm run soak: ${(err as Error).message}\n\n${SOAK_HELP}\n`);
    return 2;
  }
  if (options === 'help') {
    print(SOAK_HELP);
    return 0;
  }
  return (await runSoak(options)).pass ? 0 : 1;
}
