// pagerduty: sends routed incidents to PagerDuty's Events API v2 — trigger when opened or raised,
// resolve when resolved, dedup_key = incident id. Reads the incidents lane; unsent events wait in
// a durable outbox, retried on 429/5xx with backoff (PagerDuty asks for minutes on 429).
import { defineExporter } from '../../agent/core/component.ts';
import { createAlertExporter } from '../../agent/delivery/notify/alert-exporter.ts';
import { notificationFor } from '../../agent/delivery/notify/notification.ts';
import { PagerdutyConfig } from './config.ts';
import { pagerdutyEvent, type PagerdutyEvent } from './pagerduty-event.ts';

export default defineExporter({
  type: 'pagerduty',
  description: 'Sends incidents to PagerDuty (Events API v2): trigger and resolve, dedup_key = incident id.',
  configSchema: PagerdutyConfig,
  exampleConfig: { routing_key: '0123456789abcdef0123456789abcdef' },
  create(config, ctx) {
    return createAlertExporter({
      ctx,
      config,
      prepare: (n) => ({
        url: config.url,
        headers: {},
        body: JSON.stringify({ routing_key: config.routing_key, ...(n.body as PagerdutyEvent) }),
      }),
      notify(update, action) {
        if (action === null) return [];
        const event = pagerdutyEvent(update.incident, action, update.transition.at, {
          source: config.source,
          externalUrl: config.external_url,
        });
        return [notificationFor(ctx.id, update, action, event)];
      },
    });
  },
});
