// Runs the CLI in process with captured output, as `faultline ...` would.
import { PassThrough } from 'node:stream';
import { dispatch } from '../../agent/main.ts';

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await dispatch(argv, { stdout, stderr, env: { ...env }, waitForStop: () => new Promise(() => {}) });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
