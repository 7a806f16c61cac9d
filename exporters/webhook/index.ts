// webhook: POSTs routed incidents as the Alertmanager webhook v4 payload (firing on trigger,
// resolved on resolve), optionally HMAC-signed. Reads the incidents lane; unsent notifications
// wait in a durable outbox, retried on 429/5xx.
import { defineExporter } from '../../agent/core/component.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import { createAlertExporter } from '../../agent/delivery/notify/alert-exporter.ts';
import { notificationFor } from '../../agent/delivery/notify/notification.ts';
import { WebhookConfig } from './config.ts';
import { signatureHeader, SIGNATURE_HEADER } from './signature.ts';
import { webhookAlert, webhookPayload } from './webhook-payload.ts';

export default defineExporter({
  type: 'webhook',
  description: 'POSTs incidents as the Alertmanager webhook (v4) payload, optionally HMAC-signed.',
  configSchema: WebhookConfig,
  exampleConfig: { url: 'https://hooks.example.com/faultline' },
  create(config, ctx) {
    /** Severity each incident was last announced with, to end the old alert when it changes. */
    const announced = new Map<string, Severity>();

    return createAlertExporter({
      ctx,
      config,
      prepare(n) {
        const body = JSON.stringify(n.body);
        const headers: Record<string, string> = { ...config.headers, 'x-faultline-notification-id': n.notification_id };
        if (config.secret !== null) headers[SIGNATURE_HEADER] = signatureHeader(config.secret, body, Math.floor(ctx.clock.now() / 1_000));
        return { url: config.url, headers, body };
      },
      notify(update, action) {
        if (action === null) return [];
        const { incident } = update;
        const previous = announced.get(incident.incident_id);
        const alerts = [webhookAlert(incident, action === 'trigger' ? 'firing' : 'resolved', config.external_url)];
        if (previous !== undefined && previous !== incident.severity) {
          alerts.push(webhookAlert(incident, 'resolved', config.external_url, { severity: previous, endsAt: update.transition.at }));
        }
        if (action === 'trigger') announced.set(incident.incident_id, incident.severity);
        else announced.delete(incident.incident_id);
        return [notificationFor(ctx.id, update, action, webhookPayload(ctx.id, alerts, config.external_url))];
      },
    });
  },
});
