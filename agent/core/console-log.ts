// Log lines for a person at a terminal: the same records pino writes as JSON (already redacted),
// re-encoded as `time  LEVEL  component  message  key=value ...`, with an error's stack below its
// line. Control characters are escaped, so no value can move the cursor or fake a line. Written through pino's own synchronous destination,
// so nothing is lost when the process
// exits right after a line.
import pino, { type DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, shown in the fixed columns or not at all. */
const FRAME = new Set(['level', 'time', 'msg', 'component', 'service', 'err']);

/** One pino JSON record as a console line (and, for an error, its stack on the lines after). */
export function formatConsoleLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`; // not a record: pass it through untouched
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString() : '';
  const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
  const component = typeof record.component === 'string' ? visible(record.component) : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !FRAME.has(key) && value !== undefined)
    .map(([key, value]) => `${visible(key)}=${formatValue(value)}`);
  const err = record.err as { type?: string; message?: string; stack?: string } | undefined;
  if (err) fields.push(`err=${formatValue(err.message ?? err.type ?? '')}`);
  const head = [time, level, component, visible(String(record.msg ?? ''))].filter((part) => part !== '').join('  ');
  const line = fields.length > 0 ? `${head}  ${fields.join(' ')}` : head;
  const stack = err?.stack
    ? `\n${err.stack
        .split('\n')
        .map((l) => `    ${visible(l)}`)
        .join('\n')}`
    : '';
  return `${line}${stack}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=\p{Cc}]+$/u.test(value)) return value;
  return visible(JSON.stringify(value) ?? String(value));
}

/** Escapes control characters (JSON leaves DEL and the C1 range as they are). */
function visible(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A pino destination that re-encodes each record as a console line into `out` (standard error by default). */
export function consoleDestination(out: DestinationStream = pino.destination({ dest: 2, sync: true })): DestinationStream {
  return {
    write(chunk: string) {
      out.write(formatConsoleLine(chunk));
    },
  };
}
