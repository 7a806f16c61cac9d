// The real CLI (bin/faultline.js) through a real pipe: every event `faultline classify` writes to a
// file must also reach a reader on the other end of a pipe that takes its time, and a reader that
// stops early (`| head`) must not turn into a crash.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genAiTraceRequest } from '../../support/otlp-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-pipe-'));
const BIN = resolve('bin/faultline.js');

/** Runs a shell pipeline and resolves with its exit code and output. */
function shell(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// Every span fails: 1,500 NDJSON lines (over a megabyte), far more than a pipe buffer (64 KiB) holds.
const input = join(dir, 'failures.pb');
writeFileSync(input, genAiTraceRequest(1_500, { errorEvery: 1 }).protobuf);
const q = (p: string) => `'${p.replaceAll("'", "'\\''")}'`;

describe('faultline classify through a pipe', () => {
  // Two real CLI runs of 1,500 events each: slow on a shared machine, not a timed assertion.
  it('delivers to a slow pipe reader every line it writes to a file', { timeout: 120_000 }, async () => {
    const toFile = join(dir, 'events.ndjson');
    const file = await shell(`${q(process.execPath)} ${q(BIN)} classify ${q(input)} > ${q(toFile)}`);
    expect(file.code).toBe(0);
    const written = readFileSync(toFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
    expect(written).toBeGreaterThanOrEqual(1_500);

    // The reader starts only after the writer has filled the pipe and finished its work.
    const piped = await shell(`${q(process.execPath)} ${q(BIN)} classify ${q(input)} | (sleep 2; wc -l)`);
    expect(piped.code).toBe(0);
    expect(Number(piped.stdout.trim())).toBe(written);
  });

  it('exits without an error trace when the reader stops early', { timeout: 60_000 }, async () => {
    const r = await shell(`${q(process.execPath)} ${q(BIN)} classify ${q(input)} | head -n 3; echo "exit=$?"`);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('{'))).toHaveLength(3);
    expect(r.stderr).not.toMatch(/Error|EPIPE/);
  });
});
