import { z } from 'zod';
import { DeliveryConfig } from '../../agent/delivery/notify/delivery-config.ts';
import { RouteConfig } from '../../agent/delivery/notify/route.ts';

export const WebhookConfig = z.strictObject({
  url: z
    .url({ error: 'expected an absolute URL, e.g. https://hooks.example.com/faultline' })
    .describe(
      'Where to POST; receives the Alertmanager webhook (version 4) payload, so anything that accepts Alertmanager webhooks works unchanged.',
    ),
  secret: z
    .string()
    .min(16, { error: 'expected at least 16 characters; use ${env:NAME} to keep it out of the file' })
    .nullable()
    .default(null)
    .describe('When set, each request carries X-Faultline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">.'),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe('Extra request headers, e.g. Authorization (use ${env:NAME} for secrets; never written to the outbox).'),
  external_url: z
    .url()
    .nullable()
    .default(null)
    .describe("Base URL of faultline's REST API, sent as externalURL and used for each alert's generatorURL."),
  route: RouteConfig,
  delivery: DeliveryConfig,
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;
