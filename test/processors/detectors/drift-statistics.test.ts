import { describe, expect, it } from 'vitest';
import { ksTwoSample, psi } from '../../../processors/detectors/data/drift-statistics.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('two-sample Kolmogorov–Smirnov', () => {
  it('finds D = 1 for samples that do not overlap and rejects at α = 0.05 with c(α) = 1.358', () => {
    const r = ksTwoSample(range(1, 5), range(6, 10), 0.05);
    expect(r.d).toBe(1);
    expect(r.critical).toBeCloseTo(1.358 * Math.sqrt(10 / 25), 3);
    expect(r.rejected).toBe(true);
  });

  it('finds D = 0 for identical samples and D = 0.25 for interleaved ones, rejecting neither', () => {
    expect(ksTwoSample(range(1, 5), range(1, 5), 0.05)).toMatchObject({ d: 0, rejected: false });
    expect(ksTwoSample([1, 3, 5, 7], [2, 4, 6, 8], 0.05)).toMatchObject({ d: 0.25, rejected: false });
  });

  it('steps past tied values in both samples before comparing', () => {
    expect(ksTwoSample([1, 1, 2], [1, 2, 2], 0.05).d).toBeCloseTo(1 / 3, 10);
  });

  it('uses c(0.01) = 1.628 and needs a larger D at the stricter level', () => {
    const a = range(1, 40);
    const b = range(13, 52); // D = 0.3
    expect(ksTwoSample(a, b, 0.01).critical).toBeCloseTo(1.628 * Math.sqrt(80 / 1600), 3);
    expect(ksTwoSample(a, b, 0.2).rejected).toBe(true);
    expect(ksTwoSample(a, b, 0.01).rejected).toBe(false);
  });

  it('does not reject when a sample is empty', () => {
    expect(ksTwoSample([], [1, 2], 0.05)).toMatchObject({ d: 0, rejected: false });
  });
});

describe('population stability index', () => {
  it('is 0 for the same distribution', () => {
    expect(psi(range(0, 99), range(0, 99))).toBeCloseTo(0, 10);
  });

  it('sums (cur − ref)·ln(cur/ref) over decile bins, smoothing empty bins to 1e-4', () => {
    // All current values fall in the first of ten equal reference bins.
    const expected = 0.9 * Math.log(10) + 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1);
    expect(psi(range(0, 99), range(0, 9))).toBeCloseTo(expected, 6);
  });

  it('grows with the shift: small below 0.1, a large one above 0.25', () => {
    const ref = range(0, 999).map((i) => i / 1000);
    expect(
      psi(
        ref,
        ref.map((x) => Math.min(0.999, x + 0.01)),
      ),
    ).toBeLessThan(0.1);
    expect(
      psi(
        ref,
        ref.map((x) => x * 0.5),
      ),
    ).toBeGreaterThan(0.25);
  });
});
