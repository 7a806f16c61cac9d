// A Signal is one detector's finding about one call: "this looks like <category>/<subtype>, by
// <method>, with this evidence". Detectors attach signals to calls; the classifier turns a call's
// signals into at most one FailureEvent (the rest become its `secondary`), plus one per
// window-level signal it carries.
import { z } from 'zod';
import { Category } from './taxonomy.ts';
import { ProviderFields, QualityFields, CostFields, SecurityFields, DataFields } from './failure-event.ts';

export const Signal = z.strictObject({
  category: Category,
  subtype: z.string().describe("One of the category's subtypes (taxonomy.ts); checked when the event is built."),
  detection_method: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .describe('How it was detected, e.g. status_code, message_pattern, finish_reason, rate_limit_headers, latency_sla.'),
  confidence: z.number().min(0).max(1).describe('1 for facts read off the wire (a 429), lower for heuristics.'),
  /** Why: the causal facts, already redacted (never raw secrets or PII). */
  evidence: z.record(z.string(), z.unknown()),
  /** Category-specific event fields the detector knows (http_status, retry_after_sec, tokens…). */
  fields: z
    .strictObject({ ...ProviderFields.shape, ...QualityFields.shape, ...CostFields.shape, ...SecurityFields.shape, ...DataFields.shape })
    .partial(),
  /**
   * Set on window-level findings that no single span carries (an ingestion job with no
   * successful run): the classifier builds a window event with no span id, listing member spans.
   */
  window: z
    .strictObject({
      scope: z.string().min(1).describe('What the window is about, e.g. "ingestion/<data source>".'),
      start_ms: z.number().describe('Window start, event time (ms since the epoch); part of the failure id.'),
      member_spans: z.array(z.string()).describe('Span ids that made up the window (may be empty).'),
    })
    .optional(),
});
export type Signal = z.infer<typeof Signal>;
