import { z } from 'zod';
import { count, milliseconds } from '../../config/units.ts';

export const TraceAssemblerConfig = z.strictObject({
  wait_ms: milliseconds()
    .default(2_000)
    .describe('How long (event time) a trace is held after its last item arrived, so siblings and the gateway parent can join it.'),
  flush_interval_ms: milliseconds().default(250).describe('How often held traces are checked for release.'),
  max_traces: count('traces').default(20_000).describe('Traces held at once; past it the oldest is released early (never dropped).'),
  max_items_per_trace: count('items').default(1_000).describe('Items held for one trace; past it the trace is released early.'),
  max_batch_items: count('items')
    .default(256)
    .describe(
      'Items handed on in one batch when held traces are released; a larger release goes on in several, letting receivers answer in between.',
    ),
});
export type TraceAssemblerConfig = z.infer<typeof TraceAssemblerConfig>;
