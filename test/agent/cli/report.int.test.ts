// faultline report over a database the agent's own writers filled: baseline snapshots of two
// weeks of generated traffic (Anthropic slower this week, OpenAI failing more), failure events
// and the incident they opened. The report compares the week with its baseline and the week before.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { createDatabase, type Database } from '../../../agent/store/database.ts';
import { writeItems } from '../../../exporters/postgres/write-items.ts';
import { runCli } from '../../support/cli.ts';
import { createOwnDatabase } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { writeIncidentUpdates } from '../../support/incident-writer.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { calls, DAY, HOUR, MONDAY, runOnEventTime } from '../../processors/baseline/traffic.ts';

const WEEK = 7 * DAY;
const UNTIL = new Date(MONDAY + 2 * WEEK).toISOString();
const THIS_WEEK = MONDAY + WEEK;
const WRITE = { maxRowsPerStatement: 1_000, statementTimeoutMs: 10_000 };

let own: Awaited<ReturnType<typeof createOwnDatabase>>;
let db: Database;
let counts: Record<string, { now: number; before: number }>;

/** The cells of the markdown table row that starts with these cells. */
function rowOf(markdown: string, ...first: string[]): string[] {
  const prefix = `| ${first.join(' | ')} |`;
  const line = markdown.split('\n').find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no row starting ${prefix} in:\n${markdown}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

beforeAll(async () => {
  own = await createOwnDatabase('report');
  const migrated = await runCli(['migrate', '--database-url', own.url], { FAULTLINE_LOG_LEVEL: 'silent' });
  expect(migrated.code, migrated.stderr).toBe(0);
  db = createDatabase({ url: own.url, logger: pino({ level: 'silent' }), maxConnections: 2 });

  // Six business hours on Tuesday of each week; Anthropic is 1.5× slower and OpenAI fails 6 % this week.
  const day = (week: number) => MONDAY + week * WEEK + DAY + 9 * HOUR;
  const shapes = [0, 1].flatMap((w) => [
    [...calls({ seed: 10 + w, startMs: day(w), durationMs: 6 * HOUR, rate: 0.2, medianMs: w === 1 ? 3_000 : 2_000, sigma: 0.3 })],
    [
      ...calls({
        seed: 20 + w,
        startMs: day(w),
        durationMs: 6 * HOUR,
        rate: 0.2,
        provider: 'openai',
        model: 'gpt-4o',
        medianMs: 1_500,
        sigma: 0.3,
        errorRate: w === 1 ? 0.06 : 0.01,
      }),
    ],
  ]);
  const count = (list: LlmCall[][], model: string, week: number) =>
    list.flat().filter((c) => c.requestModel === model && c.timing.endMs >= THIS_WEEK === (week === 1)).length;
  counts = Object.fromEntries(['claude-sonnet-4-5', 'gpt-4o'].map((m) => [m, { now: count(shapes, m, 1), before: count(shapes, m, 0) }]));
  const run = await runOnEventTime({ startMs: MONDAY }, ...shapes);
  await writeItems(
    db.pool,
    (await run.stop()).map((value) => ({ lane: 'baselines', value })),
    { agentInstance: 'agent-a', ...WRITE },
  );

  // Rate-limit events: three this week, one the week before; a refusal this week.
  const events = [
    failureEvent(1, { subtype: 'rate_limited', timestamp: new Date(day(0) + HOUR).toISOString() }),
    ...[2, 3, 4].map((n) => failureEvent(n, { subtype: 'rate_limited', timestamp: new Date(day(1) + n * 60_000).toISOString() })),
    failureEvent(5, {
      category: 'quality',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      timestamp: new Date(day(1) + HOUR).toISOString(),
    }),
  ];
  await writeItems(
    db.pool,
    events.map((value) => ({ lane: 'events', value })),
    { agentInstance: 'agent-a', ...WRITE },
  );
  const incidents = await startIncidents({}, { startMs: day(1), database: null, onUpdates: (u) => writeIncidentUpdates(db, u) });
  await incidents.feed(events.slice(1, 4));
  await incidents.advanceTo(day(1) + 2 * HOUR);
  incidents.time.stop();
}, 180_000);

afterAll(async () => {
  await db?.close();
  await own?.drop();
});

describe('faultline report', () => {
  it('compares each provider and model with its baseline and the week before', async () => {
    const { code, stdout, stderr } = await runCli(['report', '--since', '7d', '--until', UNTIL, '--database-url', own.url]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('# faultline report: 2026-03-09 to 2026-03-16');

    const claude = rowOf(stdout, 'anthropic', 'claude-sonnet-4-5');
    expect(claude[2]).toBe(String(counts['claude-sonnet-4-5'].now));
    expect(claude[3]).toMatch(new RegExp(`^${counts['claude-sonnet-4-5'].before} \\([+-]\\d+ %\\)$`));
    // p95 this week (1.5× slower) above the p95 of the week before.
    const p95 = (cell: string) => (cell.endsWith(' s') ? parseFloat(cell) * 1000 : parseFloat(cell));
    expect(p95(claude[5])).toBeGreaterThan(1.3 * p95(claude[7]));
    expect(claude[6]).toMatch(/^\d+ ms$/);

    const gpt = rowOf(stdout, 'openai', 'gpt-4o');
    const rate = (cell: string) => parseFloat(cell) / 100;
    expect(rate(gpt[8])).toBeGreaterThan(0.03);
    expect(rate(gpt[10])).toBeLessThan(0.03);
    expect(gpt[11]).toMatch(/^\$\d+\.\d{4}$/);
  });

  it('lists the incidents, the top failure subtypes against the week before and the provider comparison', async () => {
    const { stdout } = await runCli(['report', '--since', '7d', '--until', UNTIL, '--database-url', own.url]);
    expect(stdout).toMatch(/1 opened in the window \(P\d: 1\); 1 active in it/);
    const incident = rowOf(stdout, '2026-03-10T09:02:00Z');
    expect(incident[2]).toMatch(/rate limited on openai gpt-4o/);
    expect(incident[3]).toBe('resolved');
    expect(incident[5]).toBe('3');

    expect(rowOf(stdout, 'provider/rate_limited')).toEqual(['provider/rate_limited', '3', '1', '+200 %', 'openai']);
    expect(rowOf(stdout, 'quality/refusal')).toEqual(['quality/refusal', '1', '0', 'new', 'anthropic']);

    const large = rowOf(stdout, 'large', 'anthropic');
    expect(large[2]).toBe('claude-sonnet-4-5');
    expect(large[3]).toBe(String(counts['claude-sonnet-4-5'].now));
  });

  it('renders the same report as one escaped HTML page', async () => {
    const { code, stdout } = await runCli(['report', '--until', UNTIL, '--format', 'html', '--database-url', own.url]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!doctype html>/);
    expect(stdout).toContain('<h2>Providers and models</h2>');
    expect(stdout).toContain(`<tr><td>anthropic</td><td>claude-sonnet-4-5</td><td>${counts['claude-sonnet-4-5'].now}</td>`);
    expect(stdout).not.toMatch(/<script/);
  });

  it('says an empty window is empty rather than printing empty tables', async () => {
    const { code, stdout } = await runCli(['report', '--since', '24h', '--until', '2026-01-01T00:00:00Z', '--database-url', own.url]);
    expect(code).toBe(0);
    expect(stdout).toContain('No incident was active in the window.');
    expect(stdout).toContain('No failure event in the window.');
  });

  it('refuses a window it cannot read, saying what to give', async () => {
    const since = await runCli(['report', '--since', 'a week', '--database-url', own.url]);
    expect(since.code).toBe(1);
    expect(since.stderr).toContain('--since "a week" is not a duration; give hours or days, e.g. 24h or 7d.');
    const format = await runCli(['report', '--format', 'pdf', '--database-url', own.url]);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--format "pdf" is not one of markdown, html.');
  });
});
