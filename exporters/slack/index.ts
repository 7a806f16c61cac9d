// slack: posts routed incidents to a Slack incoming webhook — each trigger and resolve as a
// message, low severities collected into a periodic digest — at most about one message a second.
// Reads the incidents lane; unsent messages wait in a durable outbox, retried on 429/5xx.
import { defineExporter } from '../../agent/core/component.ts';
import { createAlertExporter } from '../../agent/delivery/notify/alert-exporter.ts';
import { notificationFor, notificationId, type Notification } from '../../agent/delivery/notify/notification.ts';
import { SlackConfig } from './config.ts';
import { digestMessage, incidentMessage, type DigestItem } from './slack-message.ts';

export default defineExporter({
  type: 'slack',
  description: 'Posts incidents to a Slack incoming webhook, rate-limited, with a digest for low severities.',
  configSchema: SlackConfig,
  exampleConfig: { webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
  create(config, ctx) {
    const digest = new Map<string, DigestItem>();

    const flushDigest = (): Notification[] => {
      if (digest.size === 0) return [];
      const items = [...digest.values()];
      digest.clear();
      const key = `digest/${ctx.clock.now()}/${items.map((i) => i.incident.incident_id).join(',')}`;
      return [
        {
          notification_id: notificationId(ctx.id, key),
          incident_id: null,
          action: 'digest',
          body: digestMessage(items, config.digest.max_items),
        },
      ];
    };

    return createAlertExporter({
      ctx,
      config,
      minIntervalMs: config.min_interval_ms,
      prepare: (n) => ({ url: config.webhook_url, headers: {}, body: JSON.stringify(n.body) }),
      notify(update, action) {
        if (action === null) return [];
        const { incident } = update;
        const queued = digest.get(incident.incident_id);
        // Low severities wait for the digest, and so does the resolve of one still waiting there.
        if (config.digest.severities.includes(incident.severity) || (queued && action === 'resolve')) {
          digest.set(incident.incident_id, {
            incident,
            triggered: (queued?.triggered ?? false) || action === 'trigger',
            resolved: action === 'resolve',
          });
          return [];
        }
        return [notificationFor(ctx.id, update, action, incidentMessage(incident, action, config.external_url))];
      },
      periodic: { intervalMs: config.digest.interval_ms, run: flushDigest },
      flush: flushDigest,
    });
  },
});
