import { z } from 'zod';
import { milliseconds } from '../../config/units.ts';
import { DeliveryConfig } from '../../agent/delivery/notify/delivery-config.ts';
import { RouteConfig } from '../../agent/delivery/notify/route.ts';

export const AlertmanagerConfig = z.strictObject({
  endpoints: z
    .array(z.url({ error: 'expected an absolute URL such as http://alertmanager:9093' }))
    .min(1)
    .default(['http://127.0.0.1:9093'])
    .describe('Base URL of every Alertmanager instance; each gets every alert (Alertmanager HA wants all instances, not a load balancer).'),
  resend_interval_ms: milliseconds()
    .default(60_000)
    .describe(
      'How often firing alerts are sent again; their endsAt is set 4 intervals ahead, so Alertmanager keeps them firing only while the agent does.',
    ),
  resolved_resend_ms: milliseconds()
    .default(300_000)
    .describe('How long a resolved alert keeps being re-sent, in case an Alertmanager lost its state.'),
  external_url: z
    .url()
    .nullable()
    .default(null)
    .describe("Base URL of faultline's REST API; alerts link to <external_url>/api/v1/incidents/<id> as generatorURL."),
  route: RouteConfig,
  delivery: DeliveryConfig,
});
export type AlertmanagerConfig = z.infer<typeof AlertmanagerConfig>;
