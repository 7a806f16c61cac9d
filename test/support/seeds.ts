// Seed sweeps: `npm test` replays a scenario under a few seeds (enough to catch an expectation that
// holds only for the seed it was written with, cheap enough for CI); `npm run test:seeds` sets
// FAULTLINE_SEEDS=1-10 and runs every sweep over all ten. FAULTLINE_SEEDS takes `1-10` or `1,6,9`.

export function sweepSeeds(fallback: readonly number[]): number[] {
  const text = process.env.FAULTLINE_SEEDS?.trim();
  if (!text) return [...fallback];
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (from > to) throw new Error(`FAULTLINE_SEEDS=${text}: the range runs backwards; write it low-high, e.g. 1-10.`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`FAULTLINE_SEEDS=${text}: expected a range such as 1-10 or a list such as 1,6,9.`);
  return list;
}

/** How a sweep names its seeds in a test title: `1–10` for a run of them, else the list. */
export function seedsLabel(seeds: readonly number[]): string {
  const run = seeds.length > 2 && seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  return run ? `${seeds[0]}–${seeds[seeds.length - 1]}` : seeds.join(', ');
}
