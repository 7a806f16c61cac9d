// The one root logger (house style B7). Logs go to standard error so standard output stays
// clean for data (classify's NDJSON, the ndjson exporter). Secrets are redacted by path.
import pino, { type DestinationStream, type Logger } from 'pino';

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

export function createLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { service: 'faultline' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
