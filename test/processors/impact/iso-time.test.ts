// Event times as ISO text and back by arithmetic: the same answers as Date, which the processor
// used before, for the common shape and for every other (handed to Date).
import { describe, expect, it } from 'vitest';
import { createIsoText, formatIsoTime, isoTextOf, parseIsoTime } from '../../../processors/impact/iso-time.ts';

/** Deterministic times across 1970-9999 and a little beyond, with the edges of days, years and the fast range. */
function sampleTimes(): number[] {
  const edges = [0, -0, 1, 86_399_999, 86_400_000, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1.5];
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const out = [...edges];
  for (let i = 0; i < 20_000; i++) out.push(Math.floor(next() * 2.6e14) - 1e9);
  return out;
}

describe('ISO event times', () => {
  it('writes every time as toISOString does', () => {
    for (const ms of sampleTimes()) expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('reads what toISOString writes as Date.parse does', () => {
    for (const ms of sampleTimes()) {
      const text = new Date(ms).toISOString();
      expect(parseIsoTime(text)).toBe(Date.parse(text));
    }
  });

  it('reads impossible dates and other shapes as Date.parse does', () => {
    const texts = [
      '2026-02-29T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-01-05T24:00:00.000Z',
      '2026-01-05T09:05:60.000Z',
      '2026-01-05T09:05:00.85Z',
      '2026-01-05T09:05:00.850+00:00',
      '2026-01-05T09:05:00.8x0Z',
      '2026-01-05T09:05:00.-50Z',
      '20a6-01-05T09:05:00.850Z',
      '1969-12-31T23:59:59.999Z',
      '',
      'not a time',
    ];
    for (const t of texts) expect(parseIsoTime(t)).toBe(Date.parse(t));
  });

  it('keeps a time’s text until the time moves', () => {
    const kept = createIsoText();
    const first = isoTextOf(kept, 1_767_603_900_850);
    expect(first).toBe('2026-01-05T09:05:00.850Z');
    expect(isoTextOf(kept, 1_767_603_900_850)).toBe(first);
    expect(isoTextOf(kept, 1_767_603_960_000)).toBe('2026-01-05T09:06:00.000Z');
  });
});
