// What the soak prints: a progress line per interval, the heap/RSS/buffer series per minute, the
// final counts and the verdict.
export interface Sample {
  atSecs: number;
  spans: number;
  eventsProduced: number;
  eventsStored: number;
  bufferRecords: number | null;
  heapMib: number | null;
  /** Heap in use just after the agent's latest full GC (its live data); null before the first. */
  heapLiveMib: number | null;
  rssMib: number | null;
  /** The agent's worst event-loop delay over the last 10 s. */
  loopLagMs: number | null;
  pagesReceived: number;
  postgresCut: boolean;
  receiverDown: boolean;
}

export interface Outcome {
  eventsProduced: number;
  eventsStored: number;
  /** Produced, not stored, still in the spill file after the agent stopped (kept for its next start). */
  eventsInBufferAtExit: number;
  /** Produced ids neither stored nor in the spill file (the verdict's loss, before counted losses). */
  unaccountedIds: string[];
  lost: number;
  deadLettered: number;
  /** Items in PostgreSQL writes that failed (a cut met data in flight; they waited in the spill buffer). */
  sendFailedItems: number;
  pagesExpected: number;
  pagesReceived: number;
  pagesMissing: string[];
  /** Highest heap in use seen, garbage included. */
  heapMaxMib: number;
  /** Highest live heap (after a full GC) seen: what the mark bounds. */
  heapLiveMaxMib: number;
  heapMarkMib: number;
  /** Seconds from the end of the last cut until the buffer was empty; null: never within the wait. */
  drainSecs: number | null;
  agentExit: number | null;
}

const n = (x: number | null) => (x === null ? '?' : Math.round(x).toLocaleString('en-US'));
const clock = (secs: number) => `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(Math.floor(secs % 60)).padStart(2, '0')}`;

export function progressLine(s: Sample, previous: Sample | null): string {
  const rate = previous ? (s.spans - previous.spans) / Math.max(1, s.atSecs - previous.atSecs) : 0;
  return (
    `[${clock(s.atSecs)}] spans ${n(s.spans)} (${n(rate)}/s) | events produced ${n(s.eventsProduced)} stored ${n(s.eventsStored)}` +
    ` | buffer ${n(s.bufferRecords)} | heap ${n(s.heapMib)} MiB (live ${n(s.heapLiveMib)}) rss ${n(s.rssMib)} MiB | loop lag ${n(s.loopLagMs)} ms | pages ${n(s.pagesReceived)}` +
    `${s.postgresCut ? ' | POSTGRES CUT' : ''}${s.receiverDown ? ' | RECEIVER DOWN' : ''}`
  );
}

/** One line per minute: the highest heap, RSS, buffer depth and event-loop lag seen in it, and the totals at its end. */
export function seriesTable(samples: readonly Sample[]): string {
  const minutes = new Map<number, { heap: number; live: number; rss: number; buffer: number; lag: number; last: Sample }>();
  for (const s of samples) {
    const m = Math.floor(s.atSecs / 60);
    const row = minutes.get(m) ?? { heap: 0, live: 0, rss: 0, buffer: 0, lag: 0, last: s };
    row.heap = Math.max(row.heap, s.heapMib ?? 0);
    row.live = Math.max(row.live, s.heapLiveMib ?? 0);
    row.rss = Math.max(row.rss, s.rssMib ?? 0);
    row.buffer = Math.max(row.buffer, s.bufferRecords ?? 0);
    row.lag = Math.max(row.lag, s.loopLagMs ?? 0);
    row.last = s;
    minutes.set(m, row);
  }
  type Row = { heap: number; live: number; rss: number; buffer: number; lag: number; last: Sample };
  const columns: [string, (m: number, r: Row) => string][] = [
    ['minute', (m) => String(m)],
    ['heap max MiB', (_, r) => n(r.heap)],
    ['live heap max MiB', (_, r) => n(r.live)],
    ['rss max MiB', (_, r) => n(r.rss)],
    ['buffer max', (_, r) => n(r.buffer)],
    ['loop lag max ms', (_, r) => n(r.lag)],
    ['spans sent', (_, r) => n(r.last.spans)],
    ['events produced', (_, r) => n(r.last.eventsProduced)],
    ['events stored', (_, r) => n(r.last.eventsStored)],
    ['pages', (_, r) => n(r.last.pagesReceived)],
  ];
  const lines = [columns.map(([title]) => title).join('  ')];
  for (const [m, r] of minutes) lines.push(columns.map(([title, cell]) => cell(m, r).padStart(title.length)).join('  '));
  return lines.join('\n');
}

export function verdict(o: Outcome): { pass: boolean; text: string } {
  // Lost records are counted, not named: only the ids unaccounted for beyond that count are silent loss.
  const silentLoss = Math.max(0, o.unaccountedIds.length - o.lost - o.deadLettered);
  const checks = [
    {
      // The soak corrupts nothing, so nothing may be counted lost either.
      ok: silentLoss === 0 && o.lost === 0 && o.deadLettered === 0 && o.pagesMissing.length === 0,
      text:
        `silent loss ${silentLoss} (produced ${n(o.eventsProduced)} = stored ${n(o.eventsStored)} + in the spill file at exit ${n(o.eventsInBufferAtExit)}` +
        ` + lost ${n(o.lost)} + dead-lettered ${n(o.deadLettered)}; pages ${n(o.pagesReceived)}/${n(o.pagesExpected)})`,
    },
    {
      // The mark bounds live data (admission judges the heap after a full GC, as here); heap in
      // use between collections also holds garbage, bounded by the V8 heap limit the agent runs under.
      ok: o.heapLiveMaxMib < o.heapMarkMib,
      text: `live heap max ${n(o.heapLiveMaxMib)} MiB vs mark ${n(o.heapMarkMib)} MiB (heap in use max ${n(o.heapMaxMib)} MiB)`,
    },
    {
      ok: o.drainSecs !== null && o.drainSecs <= 120,
      text: `buffer at zero ${o.drainSecs === null ? 'never' : `${o.drainSecs.toFixed(0)} s`} after the last cut (limit 120 s)`,
    },
    { ok: o.agentExit === 0, text: `agent exit code ${o.agentExit}` },
  ];
  const pass = checks.every((c) => c.ok);
  return { pass, text: `VERDICT: ${pass ? 'PASS' : 'FAIL'} — ${checks.map((c) => `${c.ok ? 'ok' : 'FAILED'}: ${c.text}`).join('; ')}` };
}
