// What every CLI command is: a function from arguments to an exit code. Commands never exit the
// process themselves (only agent/main.ts does).
import type { Writable } from 'node:stream';

export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Installs SIGTERM/SIGINT handling and resolves with the signal's name when one arrives. */
  waitForStop(): Promise<string>;
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

export const EXIT = { ok: 0, invalid: 1, badInput: 2, failed: 3 } as const;
