import { z } from 'zod';

export const NdjsonConfig = z.strictObject({
  path: z.string().min(1).default('-').describe('File to append to, or "-" for standard output.'),
  lanes: z
    .array(z.enum(['events', 'incidents', 'baselines', 'calls', 'content', 'spans', 'logs']))
    .min(1)
    .default(['calls'])
    .describe('Which batch lanes to write, one JSON object per line.'),
});
export type NdjsonConfig = z.infer<typeof NdjsonConfig>;
