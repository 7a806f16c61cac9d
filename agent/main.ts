// The faultline CLI entry point: the only place that exits the process, so every other module can be
// run in a test or a longer-lived process without ending it.
import { classifyCommand } from './cli/classify.ts';
import { componentsCommand } from './cli/components.ts';
import { EXIT, type Command, type CommandIo } from './cli/command.ts';
import { migrateCommand } from './cli/migrate.ts';
import { probeCommand } from './cli/probe.ts';
import { reportCommand } from './cli/report.ts';
import { processFailureHandlers } from './cli/process-failures.ts';
import { runCommand } from './cli/run.ts';
import { replayCommand } from './cli/replay.ts';
import { schemaCommand } from './cli/schema.ts';
import { simulateCommand } from './cli/simulate.ts';
import { validateCommand } from './cli/validate.ts';
import { version } from './version.ts';
import { createLogger } from './core/logger.ts';
import pino from 'pino';

const COMMANDS: readonly Command[] = [
  runCommand,
  validateCommand,
  classifyCommand,
  simulateCommand,
  replayCommand,
  probeCommand,
  reportCommand,
  migrateCommand,
  componentsCommand,
  schemaCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `faultline ${version()} — catches the failures of GenAI systems in production.

Usage: faultline <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'faultline <command> --help' for a command's options.
Options: -h, --help (this text), -v, --version`;
}

/** Runs one CLI invocation and returns its exit code. */
export async function dispatch(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT.invalid : EXIT.ok;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`faultline: unknown command "${name}"\n\n${usage()}\n`);
    return EXIT.invalid;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const e = err as Error & { code?: string };
    // parseArgs reports unknown or malformed options with these codes.
    if (e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`faultline ${command.name}: ${e.message}\nSee 'faultline ${command.name} --help'.\n`);
      return EXIT.invalid;
    }
    io.stderr.write(`faultline ${command.name}: ${e.stack ?? e.message}\n`);
    return EXIT.failed;
  }
}

export async function main(argv: string[]): Promise<never> {
  const failures = processFailureHandlers(
    createLogger('info', { destination: pino.destination({ fd: 2, sync: true }) }),
    (code) => process.exit(code),
    EXIT.failed,
  );
  process.on('unhandledRejection', failures.onUnhandledRejection);
  process.on('uncaughtException', failures.onUncaughtException);
  let stop: Promise<string> | null = null;
  // Signal handlers are installed only by commands that wait for them (run); the others keep
  // Node's default, so Ctrl-C stops them at once.
  const waitForStop = () =>
    (stop ??= new Promise<string>((resolve) => {
      let stopping = false;
      for (const sig of ['SIGTERM', 'SIGINT'] as const) {
        process.on(sig, () => {
          // A second signal while shutting down means "now".
          if (stopping) process.exit(130);
          stopping = true;
          resolve(sig);
        });
      }
    }));
  // A reader that stops early (`| head`) closes the pipe: that ends the output, it is not a crash.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(EXIT.ok);
      throw err;
    });
  }
  const code = await dispatch(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, waitForStop });
  // process.exit() drops what a pipe has not taken yet: wait until both streams have flushed.
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/** Resolves once everything written to `stream` so far has been handed to the OS (or the reader went away). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  // Writes complete in order, so the callback of an empty write runs after every earlier one.
  return new Promise((resolve) => stream.write('', () => resolve()));
}
