import { parseArgs } from 'node:util';
import { createLogger } from '../core/logger.ts';
import { buildReport } from '../tools/report/build-report.ts';
import { renderHtml } from '../tools/report/render-html.ts';
import { renderMarkdown } from '../tools/report/render-markdown.ts';
import { reportSections } from '../tools/report/report-sections.ts';
import { EXIT, type Command } from './command.ts';
import { openStorage } from './open-storage.ts';
import { storageSettings } from './storage-settings.ts';

const FORMATS = ['markdown', 'html'] as const;
const UNIT_MS = { h: 3_600_000, d: 86_400_000 } as const;

export const reportCommand: Command = {
  name: 'report',
  summary: 'Print the weekly report (providers against their baselines, incidents, top failures) from PostgreSQL.',
  help: `Usage: faultline report [--since 7d] [--until TIME] [--format markdown|html] [--database-url URL | --config FILE]

Reads what the agents stored and prints, for the window and the window of the same length before
it: per provider and model the requests, latency p50/p95 against the learned baseline and the
window before, the error rate, cost per 1,000 tokens and quality-failure rate; the incidents
active in the window; the failure subtypes seen most; and providers side by side per model class.
Rows of every agent writing to the database are merged.

Options:
      --since DURATION      the window's length, in hours or days: 24h, 7d (default 7d)
      --until TIME          the window's end, ISO 8601 (default: now)
  -f, --format FMT          markdown (default) or html
      --database-url URL    PostgreSQL to read (else DATABASE_URL, the storage section of
                            --config, or the bundled PostgreSQL under ./data/postgres)
  -c, --config FILE         read storage settings from this configuration (default: agent.yaml)
  -h, --help                show this help

Exit codes: 0 printed, 1 invalid options or configuration, 3 the database could not be read.`,
  async run(args, io) {
    let values: { since?: string; until?: string; format?: string; 'database-url'?: string; config?: string };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          since: { type: 'string' },
          until: { type: 'string' },
          format: { type: 'string', short: 'f' },
          'database-url': { type: 'string' },
          config: { type: 'string', short: 'c' },
        },
      }));
    } catch (err) {
      io.stderr.write(`faultline report: ${(err as Error).message}\nSee 'faultline report --help'.\n`);
      return EXIT.invalid;
    }
    const spanMs = parseSpan(values.since ?? '7d');
    if (spanMs === null) {
      io.stderr.write(`faultline report: --since "${values.since}" is not a duration; give hours or days, e.g. 24h or 7d.\n`);
      return EXIT.invalid;
    }
    const toMs = values.until === undefined ? Date.now() : Date.parse(values.until);
    if (Number.isNaN(toMs)) {
      io.stderr.write(`faultline report: --until "${values.until}" is not a time; give ISO 8601, e.g. 2026-12-07T00:00:00Z.\n`);
      return EXIT.invalid;
    }
    const format = values.format ?? 'markdown';
    if (!(FORMATS as readonly string[]).includes(format)) {
      io.stderr.write(`faultline report: --format "${format}" is not one of ${FORMATS.join(', ')}.\n`);
      return EXIT.invalid;
    }
    const settings = storageSettings(values, io.env);
    if ('error' in settings) {
      io.stderr.write(`${settings.error}\n`);
      return EXIT.invalid;
    }
    const logger = createLogger(io.env.FAULTLINE_LOG_LEVEL ?? 'warn');
    let opened: Awaited<ReturnType<typeof openStorage>> | undefined;
    try {
      opened = await openStorage(settings.storage, logger, { migrate: false });
      const report = await buildReport(opened.database, { from: new Date(toMs - spanMs), to: new Date(toMs) });
      const doc = reportSections(report);
      io.stdout.write(format === 'html' ? renderHtml(doc) : renderMarkdown(doc));
      return EXIT.ok;
    } catch (err) {
      const message = (err as Error).message;
      const hint = /relation .* does not exist/.test(message) ? ' (the database is not migrated: run faultline migrate)' : '';
      io.stderr.write(`faultline report: reading the database failed: ${message}${hint}\n`);
      return EXIT.failed;
    } finally {
      await opened?.close();
    }
  },
};

/** "7d" or "24h" in milliseconds, or null. */
function parseSpan(text: string): number | null {
  const m = /^(\d+)([hd])$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) return null;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
