import { describe, expect, it } from 'vitest';
import { toJsonLine, toPlainJsonLine } from '../../../agent/core/json-line.ts';

describe('NDJSON lines', () => {
  it('writes a normalized item as one line of plain JSON', () => {
    const item = { kind: 'llm', tokens: { input: 12 }, content: { outputText: 'Le musée ouvre à dix heures.\n' } };
    const line = toPlainJsonLine(item);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(item);
  });

  it('writes a bigint that reaches a plain item as a decimal string instead of failing', () => {
    expect(JSON.parse(toPlainJsonLine({ startTimeUnixNano: 1_767_225_600_000_000_123n }))).toEqual({
      startTimeUnixNano: '1767225600000000123',
    });
  });

  it('writes raw span values with bigint timestamps as decimal strings and bytes as base64', () => {
    expect(JSON.parse(toJsonLine({ t: 5n, bytes: new Uint8Array([1, 2, 3]) }))).toEqual({ t: '5', bytes: 'AQID' });
  });
});
