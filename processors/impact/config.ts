import { z } from 'zod';
import { count, milliseconds } from '../../config/units.ts';

export const ImpactConfig = z.strictObject({
  traffic_window_ms: milliseconds()
    .default(300_000)
    .describe("Event time before a single failure over which its route's traffic share and its model's quality share are measured."),
  history_ms: milliseconds()
    .default(21_600_000)
    .describe('Per-minute traffic kept per route and model, for the share and quality of incidents and clusters that last long.'),
  member_memory: count('failures')
    .default(50_000)
    .describe(
      'Failures whose impact is kept for incidents and clusters to add up (they join in the same batch, or soon after); the oldest are forgotten.',
    ),
  spike_baseline_ms: milliseconds()
    .default(1_800_000)
    .describe("Event time before a spend spike over which its scope's usual spend rate is measured (the waste is the spend above it)."),
  max_subjects: count('incidents and clusters')
    .default(10_000)
    .describe('Open incidents and clusters whose impact is tracked at once; past it the least recently changed is closed.'),
  restore: z
    .boolean()
    .default(true)
    .describe('Load the impact of open incidents and clusters from the database at start, so a restart continues their figures.'),
});
export type ImpactConfig = z.infer<typeof ImpactConfig>;
