// The one root logger. Logs go to standard error so standard output stays clean for data
// (classify's NDJSON, the ndjson exporter). Secrets are redacted by path before a line is encoded,
// whichever the encoding: JSON for machines, console lines for a person at a terminal.
import pino, { type DestinationStream, type Logger } from 'pino';
import { consoleDestination } from './console-log.ts';

export const REDACT_PATHS = [
  'url',
  'databaseUrl',
  '*.url',
  '*.password',
  'password',
  'headers.authorization',
  '*.authorization',
  '*.api_key',
  'api_key',
  'routing_key',
];

export type LogEncoding = 'console' | 'json';

/** As the OpenTelemetry Collector does: console lines when standard error is a terminal, JSON otherwise. */
export function defaultLogEncoding(stderr: { isTTY?: boolean } = process.stderr): LogEncoding {
  return stderr.isTTY === true ? 'console' : 'json';
}

export interface LoggerOptions {
  /** Default: defaultLogEncoding(). */
  encoding?: LogEncoding;
  /** Where lines go (tests); standard error by default. */
  destination?: DestinationStream;
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const encoding = options.encoding ?? defaultLogEncoding();
  const out = options.destination ?? pino.destination({ dest: 2, sync: true });
  const destination = encoding === 'console' ? consoleDestination(out) : out;
  return pino({ level, base: { service: 'faultline' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
