// slack: posts routed incidents to a Slack incoming webhook — each trigger and resolve as a
// message, low severities collected into a periodic digest — at most about one message a second.
// Reads the incidents lane; unsent messages wait in a durable outbox, retried on 429/5xx.
import type { Cancel } from '../../agent/core/clock.ts';
import { defineExporter } from '../../agent/core/component.ts';
import { ExportError } from '../../agent/core/errors.ts';
import { createDelivery, type Delivery } from '../../agent/delivery/notify/delivery.ts';
import { notificationFor, notificationId, type Notification } from '../../agent/delivery/notify/notification.ts';
import { routeAction } from '../../agent/delivery/notify/route.ts';
import { SlackConfig } from './config.ts';
import { digestMessage, incidentMessage, type DigestItem } from './slack-message.ts';

export default defineExporter({
  type: 'slack',
  description: 'Posts incidents to a Slack incoming webhook, rate-limited, with a digest for low severities.',
  configSchema: SlackConfig,
  exampleConfig: { webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
  create(config, ctx) {
    const digest = new Map<string, DigestItem>();
    let delivery: Delivery | null = null;
    let cancelDigest: Cancel | null = null;

    const flushDigest = () => {
      if (digest.size === 0 || !delivery) return;
      const items = [...digest.values()];
      digest.clear();
      const key = `digest/${ctx.clock.now()}/${items.map((i) => i.incident.incident_id).join(',')}`;
      delivery.enqueue([
        {
          notification_id: notificationId(ctx.id, key),
          incident_id: null,
          action: 'digest',
          body: digestMessage(items, config.digest.max_items),
        },
      ]);
    };

    return {
      async start() {
        delivery = createDelivery({
          receiver: ctx.id,
          config: config.delivery,
          logger: ctx.logger,
          meter: ctx.meter,
          database: ctx.database,
          minIntervalMs: config.min_interval_ms,
          prepare: (n) => ({ url: config.webhook_url, headers: {}, body: JSON.stringify(n.body) }),
        });
        cancelDigest = ctx.scheduler.every(config.digest.interval_ms, flushDigest);
      },
      async export(batch) {
        const out: Notification[] = [];
        for (const update of batch.incidents) {
          const action = routeAction(update, config.route);
          if (action === null) continue;
          const { incident } = update;
          const queued = digest.get(incident.incident_id);
          // Low severities wait for the digest, and so does the resolve of one still waiting there.
          if (config.digest.severities.includes(incident.severity) || (queued && action === 'resolve')) {
            digest.set(incident.incident_id, {
              incident,
              triggered: (queued?.triggered ?? false) || action === 'trigger',
              resolved: action === 'resolve',
            });
          } else {
            out.push(notificationFor(ctx.id, update, action, incidentMessage(incident, action, config.external_url)));
          }
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
        cancelDigest?.();
        cancelDigest = null;
        flushDigest(); // into the outbox: delivered now or after the next start
        const d = delivery;
        delivery = null;
        await d?.close(config.delivery.shutdown_grace_ms);
      },
    };
  },
});
