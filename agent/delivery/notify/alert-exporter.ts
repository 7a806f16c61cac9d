// What every alert exporter shares: a durable outbox per target (delivery.ts), the route applied to
// each incident update, periodic work (re-sends, digests) on the injected scheduler, and a shutdown
// that stops the timer, queues what is still held and gives the outboxes their grace. An exporter
// brings only what is its own: the payload, the request (endpoint, auth) and the state it keeps.
import type { Cancel } from '../../core/clock.ts';
import type { ComponentContext, Exporter } from '../../core/component.ts';
import { ExportError } from '../../core/errors.ts';
import type { IncidentUpdate } from '../../core/model/incident.ts';
import type { DeliveryConfig } from './delivery-config.ts';
import { createDelivery, type Delivery } from './delivery.ts';
import type { PreparedRequest } from './http-post.ts';
import type { Notification } from './notification.ts';
import { routeAction, type NotificationAction, type RouteConfig } from './route.ts';

/** The outboxes as periodic work sees them. */
export interface Outboxes {
  /** Notifications not yet delivered, over every target. */
  pending(): number;
}

export interface AlertExporterOptions {
  readonly ctx: ComponentContext;
  readonly config: { readonly route: RouteConfig; readonly delivery: DeliveryConfig };
  /** Targets that each get every notification through an outbox of their own (Alertmanager instances); default one. */
  readonly targets?: readonly string[];
  /** Least time between two requests to one target. */
  readonly minIntervalMs?: number;
  /** The request for a stored notification; secrets (keys, signing, webhook URLs) are added here, never stored. */
  prepare(notification: Notification, target: string): PreparedRequest;
  /** What one update becomes; `action` is what the route made of it (null: not for this receiver). */
  notify(update: IncidentUpdate, action: NotificationAction | null): readonly Notification[];
  /** Runs once the outboxes exist and before the timer starts, e.g. to restore what was firing. */
  restore?(): Promise<void>;
  /** Work every intervalMs of clock time; what it returns is queued. */
  readonly periodic?: { readonly intervalMs: number; run(outboxes: Outboxes): readonly Notification[] };
  /** At shutdown, after the timer stopped: what is still held goes into the outboxes. */
  flush?(): readonly Notification[];
}

export function createAlertExporter(options: AlertExporterOptions): Exporter {
  const { ctx, config } = options;
  let deliveries: Delivery[] = [];
  let cancelPeriodic: Cancel | null = null;
  const outboxes: Outboxes = { pending: () => deliveries.reduce((sum, d) => sum + d.pending(), 0) };

  const enqueue = (notifications: readonly Notification[]) => {
    if (notifications.length === 0) return;
    if (deliveries.length === 0)
      throw new ExportError(
        `${ctx.id} received incidents before it started or after it stopped; ${notifications.length} notifications were not queued.`,
        false,
      );
    for (const d of deliveries) d.enqueue(notifications);
  };

  return {
    async start() {
      deliveries = (options.targets ?? ['']).map((target) =>
        createDelivery({
          receiver: ctx.id,
          target,
          config: config.delivery,
          logger: ctx.logger,
          meter: ctx.meter,
          clock: ctx.clock,
          scheduler: ctx.scheduler,
          database: ctx.database,
          minIntervalMs: options.minIntervalMs,
          prepare: (n) => options.prepare(n, target),
        }),
      );
      await options.restore?.();
      const periodic = options.periodic;
      if (periodic) {
        cancelPeriodic = ctx.scheduler.every(periodic.intervalMs, () => {
          if (deliveries.length > 0) enqueue(periodic.run(outboxes));
        });
      }
    },
    async export(batch) {
      const out: Notification[] = [];
      for (const update of batch.incidents) out.push(...options.notify(update, routeAction(update, config.route)));
      enqueue(out);
    },
    async shutdown() {
      cancelPeriodic?.();
      cancelPeriodic = null;
      // Into the outboxes: delivered now or after the next start.
      if (deliveries.length > 0 && options.flush) enqueue(options.flush());
      const closing = deliveries;
      deliveries = [];
      await Promise.all(closing.map((d) => d.close(config.delivery.shutdown_grace_ms)));
    },
  };
}
