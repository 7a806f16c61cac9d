import { z } from 'zod';
import { count, milliseconds, ratio } from '../../config/units.ts';

const LiteLlmConfig = z.strictObject({
  url: z.url({ error: 'expected the LiteLLM proxy base URL, e.g. http://litellm:4000' }).describe("The LiteLLM proxy's base URL."),
  api_key: z
    .string()
    .min(1, { error: 'expected the proxy admin key; use ${env:LITELLM_MASTER_KEY} to keep it out of the file' })
    .describe('An admin key for the proxy (sent as a Bearer token; never logged).'),
  weight_factor: ratio('weight_factor').default(0.1).describe("An at-risk deployment's routing weight is multiplied by this."),
  min_weight: z
    .number()
    .positive()
    .default(0.01)
    .describe('The weight never goes below this (the deployment keeps a trickle, so recovery is seen).'),
  max_lowered: count('deployments')
    .default(2)
    .describe('At most this many deployments held lowered at once; beyond it, recommendations only.'),
  timeout_ms: milliseconds().default(5_000).describe('Time limit of one admin API request.'),
});

export const ActionsConfig = z.strictObject({
  dry_run: z
    .boolean()
    .default(true)
    .describe('Log and record what would be done, change nothing. Turn off only once the recommendations have been watched for a while.'),
  min_score: ratio('min_score').default(0.8).describe('Prediction score from which the exporter acts.'),
  litellm: LiteLlmConfig.nullable()
    .default(null)
    .describe("Lower an at-risk deployment's weight through LiteLLM's admin API (database-stored models only) and restore it."),
  webhook: z
    .strictObject({
      url: z.url({ error: 'expected an absolute URL, e.g. https://hooks.example.com/faultline-actions' }).describe('Where to POST.'),
      headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers (use ${env:NAME} for secrets).'),
      timeout_ms: milliseconds().default(5_000).describe('Time limit of one request.'),
    })
    .nullable()
    .default(null)
    .describe('POST every recommendation and action (and its undoing) as JSON.'),
});
export type ActionsConfig = z.infer<typeof ActionsConfig>;
