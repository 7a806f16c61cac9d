// A Signal is one detector's finding about one call: "this looks like <category>/<subtype>, by
// <method>, with this evidence". Detectors attach signals to calls; the classifier turns a call's
// signals into at most one FailureEvent (the rest become its `secondary`).
import { z } from 'zod';
import { Category } from './taxonomy.ts';
import { ProviderFields, QualityFields, CostFields, SecurityFields, DataFields } from './failure-event.ts';

export const Signal = z.strictObject({
  category: Category,
  subtype: z.string().describe('One of the category\'s subtypes (taxonomy.ts); checked when the event is built.'),
  detection_method: z.string().regex(/^[a-z][a-z0-9_]*$/).describe('How it was detected, e.g. status_code, message_pattern, finish_reason, rate_limit_headers, latency_sla.'),
  confidence: z.number().min(0).max(1).describe('1 for facts read off the wire (a 429), lower for heuristics.'),
  /** Why: the causal facts, already redacted (never raw secrets or PII). */
  evidence: z.record(z.string(), z.unknown()),
  /** Category-specific event fields the detector knows (http_status, retry_after_sec, tokens…). */
  fields: z
    .strictObject({ ...ProviderFields.shape, ...QualityFields.shape, ...CostFields.shape, ...SecurityFields.shape, ...DataFields.shape })
    .partial(),
});
export type Signal = z.infer<typeof Signal>;
