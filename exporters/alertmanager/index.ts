// alertmanager: sends routed incidents to every configured Alertmanager as POST /api/v2/alerts —
// on trigger, then again every resend interval with endsAt ahead while firing, and with endsAt =
// resolve time for a while after resolving. Reads the incidents lane; each instance has its own
// durable outbox, so one that is down delays only itself and loses nothing.
import { defineExporter } from '../../agent/core/component.ts';
import type { Incident } from '../../agent/core/model/incident.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import { createAlertExporter, type Outboxes } from '../../agent/delivery/notify/alert-exporter.ts';
import { notificationFor, notificationId, type Notification } from '../../agent/delivery/notify/notification.ts';
import { routeAction } from '../../agent/delivery/notify/route.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { selectOpenIncidents } from '../../agent/store/incident-queries.ts';
import { AlertmanagerConfig } from './config.ts';
import { postableAlert, type PostableAlert } from './postable-alert.ts';

export default defineExporter({
  type: 'alertmanager',
  description: 'Sends incidents to Alertmanager (POST /api/v2/alerts to every instance), re-sending firing alerts and resolves.',
  configSchema: AlertmanagerConfig,
  create(config, ctx) {
    /** Alerts this exporter keeps firing, by incident id, with the severity their labels carry. */
    const firing = new Map<string, { incident: Incident; severity: Severity }>();
    /** Recently resolved alerts, re-sent until `untilMs`. */
    const resolved = new Map<string, { incident: Incident; untilMs: number }>();
    const endsAhead = () => ctx.clock.now() + 4 * config.resend_interval_ms;
    const alertFor = (incident: Incident, endsAtMs: number, severity?: Severity) =>
      postableAlert(incident, endsAtMs, config.external_url, severity);
    const resolvedAlert = (incident: Incident) =>
      alertFor(incident, Date.parse(incident.resolved_at ?? new Date(ctx.clock.now()).toISOString()));

    const resend = (outboxes: Outboxes): Notification[] => {
      const now = ctx.clock.now();
      for (const [id, r] of resolved) if (r.untilMs <= now) resolved.delete(id);
      if (firing.size + resolved.size === 0) return [];
      // Only onto an empty queue: while an instance is unreachable its queued triggers and
      // resolves carry the news, and re-sends would only pile up behind them.
      if (outboxes.pending() > 0) return [];
      const alerts: PostableAlert[] = [
        ...[...firing.values()].map((f) => alertFor(f.incident, endsAhead(), f.severity)),
        ...[...resolved.values()].map((r) => resolvedAlert(r.incident)),
      ];
      return [{ notification_id: notificationId(ctx.id, `resend/${now}`), incident_id: null, action: 'update', body: alerts }];
    };

    /** Incidents opened before a restart keep firing instead of expiring at their endsAt. */
    const restore = async () => {
      if (!ctx.database) return;
      try {
        for (const incident of await selectOpenIncidents(ctx.database)) {
          const opened = {
            transition_id: 'restore',
            kind: 'opened' as const,
            severity: incident.severity,
            at: incident.opened_at,
            detail: {},
          };
          if (routeAction({ incident, transition: opened, new_members: [] }, config.route) === 'trigger') {
            firing.set(incident.incident_id, { incident, severity: incident.severity });
          }
        }
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
        ctx.logger.warn(
          { err },
          'The database cannot be read: alerts of incidents opened before this start are not re-sent; ' +
            'they expire at their endsAt unless the incident changes.',
        );
      }
    };

    return createAlertExporter({
      ctx,
      config,
      targets: config.endpoints,
      prepare: (n, endpoint) => ({ url: `${endpoint.replace(/\/+$/, '')}/api/v2/alerts`, headers: {}, body: JSON.stringify(n.body) }),
      restore,
      periodic: { intervalMs: config.resend_interval_ms, run: resend },
      notify(update, action) {
        const incident = update.incident;
        const id = incident.incident_id;
        const held = firing.get(id);
        if (action === 'trigger') {
          const alerts = [alertFor(incident, endsAhead())];
          // Severity is part of the alert's identity: the old alert ends as the new one starts.
          if (held && held.severity !== incident.severity) alerts.push(alertFor(held.incident, ctx.clock.now(), held.severity));
          firing.set(id, { incident, severity: incident.severity });
          return [notificationFor(ctx.id, update, 'trigger', alerts)];
        }
        if (action === 'resolve') {
          firing.delete(id);
          resolved.set(id, { incident, untilMs: ctx.clock.now() + config.resolved_resend_ms });
          const alerts = [resolvedAlert(incident)];
          if (held && held.severity !== incident.severity)
            alerts.push(alertFor(held.incident, Date.parse(incident.resolved_at ?? incident.last_seen_at), held.severity));
          return [notificationFor(ctx.id, update, 'resolve', alerts)];
        }
        // New counts and evidence ride along with the next re-send.
        if (held) firing.set(id, { incident, severity: held.severity });
        return [];
      },
    });
  },
});
