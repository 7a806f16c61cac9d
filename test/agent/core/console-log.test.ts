import { describe, expect, it } from 'vitest';
import { formatConsoleLine } from '../../../agent/core/console-log.ts';
import { createLogger, defaultLogEncoding } from '../../../agent/core/logger.ts';

/** A pino destination that keeps what it is given. */
function collect(): { lines: string[]; write(s: string): void } {
  const lines: string[] = [];
  return { lines, write: (s) => void lines.push(s) };
}

const AT = Date.UTC(2026, 0, 5, 9, 0, 0, 123);

describe('formatConsoleLine', () => {
  it('puts time, level, component and message first, then the fields as key=value', () => {
    const json = JSON.stringify({
      level: 30,
      time: AT,
      service: 'faultline',
      component: 'otlp',
      http: '0.0.0.0:4318',
      msg: 'OTLP receiver listening.',
    });
    expect(formatConsoleLine(json)).toBe('2026-01-05T09:00:00.123Z  INFO   otlp  OTLP receiver listening.  http=0.0.0.0:4318\n');
  });

  it('quotes text with spaces and writes nested values as compact JSON', () => {
    const json = JSON.stringify({
      level: 40,
      time: AT,
      msg: 'Configuration: x.',
      detail: 'two words',
      spill: { postgres: '/d/p.sqlite' },
      n: 3,
    });
    expect(formatConsoleLine(json)).toBe(
      '2026-01-05T09:00:00.123Z  WARN   Configuration: x.  detail="two words" spill={"postgres":"/d/p.sqlite"} n=3\n',
    );
  });

  it("shows an error's message in the line and its stack indented below", () => {
    const err = { type: 'Error', message: 'connect ECONNREFUSED', stack: 'Error: connect ECONNREFUSED\n    at connect (net.js:1:1)' };
    const out = formatConsoleLine(JSON.stringify({ level: 50, time: AT, component: 'postgres', err, msg: 'Writing failed.' }));
    expect(out).toBe(
      '2026-01-05T09:00:00.123Z  ERROR  postgres  Writing failed.  err="connect ECONNREFUSED"\n' +
        '    Error: connect ECONNREFUSED\n        at connect (net.js:1:1)\n',
    );
  });

  it('escapes control characters, so a value can neither drive the terminal nor start a fake line', () => {
    const json = JSON.stringify({
      level: 30,
      time: AT,
      component: 'x\u001b[31m',
      path: '/a\u001b[2J',
      detail: 'C1 \u009b31m',
      msg: 'One.\nFAKE',
    });
    const out = formatConsoleLine(json);
    expect(out.split('\n')).toHaveLength(2); // the line, then the empty string after its newline
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toBe('2026-01-05T09:00:00.123Z  INFO   x\\u001b[31m  One.\\u000aFAKE  path="/a\\u001b[2J" detail="C1 \\u009b31m"\n');
  });

  it('passes a line that is not a JSON record through unchanged', () => {
    expect(formatConsoleLine('not json')).toBe('not json\n');
  });
});

describe('createLogger', () => {
  it('writes console lines with secrets redacted as in JSON', () => {
    const sink = collect();
    const logger = createLogger('info', { encoding: 'console', destination: sink });
    logger.child({ component: 'storage' }).info({ url: 'postgres://u:hunter2@db/x', password: 'hunter2' }, 'Connected.');
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).toMatch(/^\S+Z {2}INFO {3}storage {2}Connected\. {2}url=\[redacted\] password=\[redacted\]\n$/);
    expect(sink.lines[0]).not.toContain('hunter2');
  });

  it('writes one JSON object per line with the json encoding', () => {
    const sink = collect();
    createLogger('info', { encoding: 'json', destination: sink }).warn({ port: 4318 }, 'Taken.');
    expect(JSON.parse(sink.lines[0])).toMatchObject({ level: 40, service: 'faultline', port: 4318, msg: 'Taken.' });
  });
});

describe('defaultLogEncoding', () => {
  it('is console on a terminal and json otherwise, as the OpenTelemetry Collector chooses', () => {
    expect(defaultLogEncoding({ isTTY: true })).toBe('console');
    expect(defaultLogEncoding({ isTTY: false })).toBe('json');
    expect(defaultLogEncoding({})).toBe('json');
  });
});
