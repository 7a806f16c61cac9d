// Holt's linear (double exponential) smoothing of a series sampled at a steady step: a level and a
// trend per step, and the number of steps until the smoothed series reaches a line.
export class Holt {
  private level: number | null = null;
  private trend = 0;
  private n = 0;

  constructor(
    private readonly alpha: number,
    private readonly beta: number,
  ) {}

  update(x: number): void {
    if (this.level === null) {
      this.level = x;
      this.n = 1;
      return;
    }
    const previous = this.level;
    this.level = this.alpha * x + (1 - this.alpha) * (previous + this.trend);
    this.trend = this.n === 1 ? this.level - previous : this.beta * (this.level - previous) + (1 - this.beta) * this.trend;
    this.n++;
  }

  get value(): number | null {
    return this.level;
  }

  get slope(): number {
    return this.trend;
  }

  get count(): number {
    return this.n;
  }

  /** Steps until the projected series reaches `line` (0 if already there); null if it is not heading there. */
  stepsTo(line: number): number | null {
    if (this.level === null) return null;
    if (this.level >= line) return 0;
    if (this.trend <= 0) return null;
    return (line - this.level) / this.trend;
  }
}
