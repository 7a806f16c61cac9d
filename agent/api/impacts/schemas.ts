// Request and response shapes of the impact and SLO routes, in zod: the handlers parse with them
// and the OpenAPI document is generated from them.
import { z } from 'zod';
import { FailureImpact } from '../../core/model/impact.ts';
import { SloStatus } from '../../core/model/slo.ts';
import { Category } from '../../core/model/taxonomy.ts';
import type { NamedSchema } from '../openapi.ts';
import { rfc3339 } from '../request-parameters.ts';

export const IMPACT_FILTERS = {
  order: z.literal('impact_score').optional().describe('The order: impact_score (highest first) is the only one, and the default.'),
  since: rfc3339().optional().describe('Only incidents and clusters active at or after this time (last member at or after it).'),
  subject: z.enum(['incident', 'cluster']).optional().describe('Only incidents or only correlation clusters.'),
  state: z.enum(['open', 'closed']).optional().describe('Only open or only closed ones.'),
  category: Category.optional().describe('Only this category.'),
};

export const IMPACT: NamedSchema = { name: 'FailureImpact', schema: FailureImpact };

export const SloSummary = z.strictObject({
  slo: z.string().describe('The SLO name.'),
  service: z.string().describe('sloth_service of its Prometheus series.'),
  sli: z.string().describe('The SLI kind (availability, goodput, latency, hallucination_rate, refusal_rate, cost_per_answer).'),
  category: z.string().describe('The failure category its slo_burn incidents open in.'),
  objective: z.number().describe('The target good share, e.g. 0.995.'),
  window_days: z.number().int().describe('The SLO window.'),
  agent_instance: z.string().describe('The agent whose evaluation this is (the latest one).'),
  budget_remaining: z.number().describe('1 − budget consumed over the window; below 0 the SLO is breached.'),
  burn_rates: z.record(z.string(), z.number().nullable()).describe('Burn rate per window (5m … 30d): error ratio ÷ (1 − objective).'),
  status: SloStatus,
});
export type SloSummary = z.infer<typeof SloSummary>;

export const SLO_LIST: NamedSchema = { name: 'SloList', schema: z.strictObject({ data: z.array(SloSummary) }) };
