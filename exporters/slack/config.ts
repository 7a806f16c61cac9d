import { z } from 'zod';
import { milliseconds } from '../../config/units.ts';
import { Severity } from '../../agent/core/model/taxonomy.ts';
import { DeliveryConfig } from '../../agent/delivery/notify/delivery-config.ts';
import { RouteConfig } from '../../agent/delivery/notify/route.ts';

export const SlackConfig = z.strictObject({
  webhook_url: z
    .url({ error: 'expected the incoming-webhook URL (https://hooks.slack.com/services/...); use ${env:NAME} to keep it out of the file' })
    .describe('Slack incoming-webhook URL; it is a secret, added when sending and never written to the outbox.'),
  route: RouteConfig,
  digest: z
    .strictObject({
      severities: z
        .array(Severity)
        .default(['P3', 'P4'])
        .describe(
          'Incidents of these severities are collected and posted together, once per interval; [] posts every incident on its own.',
        ),
      interval_ms: milliseconds().default(900_000).describe('How often the digest is posted (only when it has something).'),
      max_items: z.number().int().positive().default(50).describe('Incidents listed in one digest message; the rest are counted.'),
    })
    .default({ severities: ['P3', 'P4'], interval_ms: 900_000, max_items: 50 })
    .describe('Digest mode for low severities, so minor incidents do not flood the channel.'),
  min_interval_ms: milliseconds()
    .default(1_000)
    .describe('Least time between two messages (Slack allows about one per second per webhook).'),
  external_url: z.url().nullable().default(null).describe("Base URL of faultline's REST API; messages link to the incident there."),
  delivery: DeliveryConfig,
});
export type SlackConfig = z.infer<typeof SlackConfig>;
