// What agent/main does with a failure nothing else caught: a stray rejection is logged and the
// agent keeps running; an uncaught exception is logged with what failed and the process exits 3.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { processFailureHandlers } from '../../../agent/cli/process-failures.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-failures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('process failure handlers', () => {
  it('log a rejection and go on; log an exception and exit with the given code', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const exits: number[] = [];
    const handlers = processFailureHandlers(logger, (code) => exits.push(code), 3);

    handlers.onUnhandledRejection(new Error('lost promise'));
    expect(exits).toEqual([]);
    handlers.onUncaughtException(new Error('broken state'));
    expect(exits).toEqual([3]);
    expect(lines.map((l) => [l.failure, (l.err as { message: string }).message])).toEqual([
      ['unhandled_rejection', 'lost promise'],
      ['uncaught_exception', 'broken state'],
    ]);
  });

  it('are installed by agent/main: the agent survives a stray rejection and exits 3 on an uncaught exception', async () => {
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors: { normalize: {} }
exporters: { ndjson: { path: ${JSON.stringify(join(dir, 'calls.ndjson'))} } }
service:
  pipelines: { genai: { receivers: [otlp], processors: [normalize], exporters: [ndjson] } }
  telemetry: { logs: { level: info }, metrics: { enabled: false } }
`,
    );
    const script = fileURLToPath(new URL('../../fixtures/process-failures/stray-failures.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((done) => child.on('exit', done));

    const logs = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { failure?: string; msg: string; err?: { message: string } });
    const failures = logs.filter((l) => l.failure).map((l) => [l.failure, l.err?.message]);
    expect(failures, stderr).toEqual([
      ['unhandled_rejection', 'a stray rejection'],
      ['uncaught_exception', 'an escaped exception'],
    ]);
    expect(logs.some((l) => l.msg === 'Agent started.')).toBe(true);
    expect(code).toBe(3);
  });
});
