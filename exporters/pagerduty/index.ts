// pagerduty: sends routed incidents to PagerDuty's Events API v2 — trigger when opened or raised,
// resolve when resolved, dedup_key = incident id. Reads the incidents lane; unsent events wait in
// a durable outbox, retried on 429/5xx with backoff (PagerDuty asks for minutes on 429).
import { defineExporter } from '../../agent/core/component.ts';
import { ExportError } from '../../agent/core/errors.ts';
import { createDelivery, type Delivery } from '../../agent/delivery/notify/delivery.ts';
import { notificationFor, type Notification } from '../../agent/delivery/notify/notification.ts';
import { routeAction } from '../../agent/delivery/notify/route.ts';
import { PagerdutyConfig } from './config.ts';
import { pagerdutyEvent, type PagerdutyEvent } from './pagerduty-event.ts';

export default defineExporter({
  type: 'pagerduty',
  description: 'Sends incidents to PagerDuty (Events API v2): trigger and resolve, dedup_key = incident id.',
  configSchema: PagerdutyConfig,
  exampleConfig: { routing_key: '0123456789abcdef0123456789abcdef' },
  create(config, ctx) {
    let delivery: Delivery | null = null;
    return {
      async start() {
        delivery = createDelivery({
          receiver: ctx.id,
          config: config.delivery,
          logger: ctx.logger,
          meter: ctx.meter,
          database: ctx.database,
          prepare: (n) => ({
            url: config.url,
            headers: {},
            body: JSON.stringify({ routing_key: config.routing_key, ...(n.body as PagerdutyEvent) }),
          }),
        });
      },
      async export(batch) {
        const out: Notification[] = [];
        for (const update of batch.incidents) {
          const action = routeAction(update, config.route);
          if (action === null) continue;
          const event = pagerdutyEvent(update.incident, action, update.transition.at, {
            source: config.source,
            externalUrl: config.external_url,
          });
          out.push(notificationFor(ctx.id, update, action, event));
        }
        if (out.length === 0) return;
        if (!delivery)
          throw new ExportError(
            `${ctx.id} received incidents before it started or after it stopped; ${out.length} notifications were not queued.`,
            false,
          );
        delivery.enqueue(out);
      },
      async shutdown() {
        const d = delivery;
        delivery = null;
        await d?.close(config.delivery.shutdown_grace_ms);
      },
    };
  },
});
