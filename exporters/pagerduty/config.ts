import { z } from 'zod';
import { DeliveryConfig } from '../../agent/delivery/notify/delivery-config.ts';
import { RouteConfig } from '../../agent/delivery/notify/route.ts';

export const PagerdutyConfig = z.strictObject({
  routing_key: z
    .string()
    .regex(/^[A-Za-z0-9]{32}$/, {
      error: 'expected the 32-character integration key of an Events API v2 integration; use ${env:NAME} to keep it out of the file',
    })
    .describe('Integration (routing) key of the PagerDuty service; added when sending, never written to the outbox.'),
  url: z
    .url()
    .default('https://events.pagerduty.com/v2/enqueue')
    .describe('Events API v2 endpoint (EU accounts: https://events.eu.pagerduty.com/v2/enqueue).'),
  source: z
    .string()
    .min(1)
    .default('faultline')
    .describe('payload.source prefix: the affected system as PagerDuty shows it is <source>/<provider>[/<model>].'),
  external_url: z
    .url()
    .nullable()
    .default(null)
    .describe("Base URL of faultline's REST API, sent as client_url and as a link to the incident."),
  route: RouteConfig,
  delivery: DeliveryConfig,
});
export type PagerdutyConfig = z.infer<typeof PagerdutyConfig>;
