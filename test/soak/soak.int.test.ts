// A short soak inside `npm test`: the agent as its own process, its bundled PostgreSQL cut three
// times through the fault proxy and the alert receiver flapping, under 30 s of simulated traffic
// with content at a rate any CI machine sustains, so the suite stays fast. The 2,000 spans/s run
// of N minutes is `npm run soak` (docs/reliability-testing.md). Nothing may be lost silently,
// every page must arrive, and the buffer must empty after the last cut. It uses a database of its
// own on the suite's server and a 5-second quiet period, so incidents resolve (and page) soon.
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/database.ts';
import { runSoak } from './soak.ts';

describe('soak', () => {
  it('loses nothing and pages every incident through PostgreSQL cuts and a flapping receiver', async () => {
    const lines: string[] = [];
    const { outcome } = await runSoak(
      {
        minutes: 0.5,
        spansPerSec: 150,
        cutEverySecs: 12,
        cutSecs: 6,
        flapEverySecs: 10,
        flapDownSecs: 3,
        heapMarkMib: 512,
        quietPeriodSecs: 5,
        serverUrl: testDatabaseUrl(),
        progressSecs: 10,
        keepDir: null,
      },
      (line) => lines.push(line),
    );
    const context = lines.join('\n');
    expect(outcome.eventsProduced, context).toBeGreaterThan(0);
    // A cut met writes in flight, so the spill buffer was used, not just PostgreSQL.
    expect(outcome.sendFailedItems, context).toBeGreaterThan(0);
    expect({ unaccounted: outcome.unaccountedIds, lost: outcome.lost, deadLettered: outcome.deadLettered }, context).toEqual({
      unaccounted: [],
      lost: 0,
      deadLettered: 0,
    });
    expect(outcome.pagesExpected, context).toBeGreaterThan(0);
    expect(outcome.pagesMissing, context).toEqual([]);
    expect(outcome.drainSecs, context).not.toBeNull();
    expect(outcome.drainSecs!, context).toBeLessThanOrEqual(120);
    expect(outcome.heapMaxMib, context).toBeLessThan(outcome.heapMarkMib);
    expect(outcome.agentExit, context).toBe(0);
  }, 600_000);
});
