import { z } from 'zod';
import { LANE_NAMES, laneSpec, lanes } from '../../agent/core/model/lanes.ts';

// Checked against the lane table when the configuration is read, so a lane registered at run time
// is accepted too; the reference lists the table's lanes.
const LaneName = z
  .string()
  .refine((name) => laneSpec(name) !== undefined, {
    error: (issue) =>
      `expected one of ${lanes()
        .map((l) => `"${l.name}"`)
        .join(', ')}, got ${JSON.stringify(issue.input)}`,
  })
  .meta({ enum: LANE_NAMES });

export const NdjsonConfig = z.strictObject({
  path: z.string().min(1).default('-').describe('File to append to, or "-" for standard output.'),
  lanes: z.array(LaneName).min(1).default(['calls']).describe('Which batch lanes to write, one JSON object per line.'),
});
export type NdjsonConfig = z.infer<typeof NdjsonConfig>;
