import { describe, expect, it } from 'vitest';
import { Holt } from '../../../processors/predictor/holt.ts';

describe('Holt', () => {
  it('learns the slope of a linear series and projects when it reaches a line', () => {
    const h = new Holt(0.5, 0.3);
    for (let i = 0; i < 40; i++) h.update(100 + 10 * i);
    expect(h.slope).toBeCloseTo(10, 3);
    expect(h.value).toBeCloseTo(490, 3);
    expect(h.stepsTo(690)).toBeCloseTo(20, 3);
  });

  it('answers 0 once the line is reached and null when the series is not heading there', () => {
    const rising = new Holt(0.5, 0.3);
    for (let i = 0; i < 10; i++) rising.update(i * 100);
    expect(rising.stepsTo(500)).toBe(0);
    const flat = new Holt(0.5, 0.3);
    for (let i = 0; i < 10; i++) flat.update(200);
    expect(flat.stepsTo(500)).toBeNull();
  });
});
