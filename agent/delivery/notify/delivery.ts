// Delivery of one receiver's notifications: an outbox (the SQLite spill buffer) drained in order
// by a single loop, so a trigger always reaches the receiver before its resolve. enqueue() only
// appends and returns — the pipeline never waits for a receiver. Retries follow retry-policy.ts;
// a receiver that is down holds its own queue and nobody else's. Retry waits and the pause between
// messages run on the injected scheduler (tests drive them with the manual clock); the request
// timeout and the shutdown grace bound real I/O and the process's exit, so they stay on wall time.
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Cancel, Clock, Scheduler } from '../../core/clock.ts';
import { openSpillBuffer } from '../spill/index.ts';
import type { Database } from '../../store/database.ts';
import { recordNotification } from '../../store/notification-log.ts';
import { createSampledWarning } from '../../core/sampled-warning.ts';
import type { DeliveryConfig } from './delivery-config.ts';
import { post, type PreparedRequest } from './http-post.ts';
import type { Notification } from './notification.ts';
import { classifyStatus, retryDelayMs, type AttemptOutcome, type RetryPolicy } from './retry-policy.ts';

export interface DeliveryOptions {
  /** The exporter id: the `receiver` label of the metrics and the log field. */
  readonly receiver: string;
  /** Distinguishes several targets of one exporter (e.g. Alertmanager instances); '' for one. */
  readonly target?: string;
  readonly config: DeliveryConfig;
  /** Turns a stored notification into the request, adding secrets from the configuration. */
  prepare(notification: Notification): PreparedRequest;
  readonly logger: Logger;
  readonly meter: Meter;
  /** Time for retry waits, Retry-After dates and timestamps: the component's injected clock. */
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Least time between two requests (Slack: about one message a second). */
  readonly minIntervalMs?: number;
  /** Where queued and settled notifications about incidents are recorded (notification_log); null: nowhere. */
  readonly database?: Database | null;
}

export interface Delivery {
  /** Appends to the outbox and wakes the sender; never waits for the receiver. */
  enqueue(notifications: readonly Notification[]): void;
  /** Notifications not yet delivered. */
  pending(): number;
  /** Resolves once the outbox is empty (tests, shutdown). */
  drained(): Promise<void>;
  /** Tries to deliver what is queued until the deadline, then aborts and closes; the rest stays for the next start. */
  close(deadlineMs: number): Promise<void>;
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const { receiver, config, logger, clock, scheduler } = options;
  const target = options.target ?? '';
  const labels = metricLabels(receiver, target);
  const log = labels.target ? logger.child({ target: labels.target }) : logger;
  const { buffer, quarantined } = openSpillBuffer({
    path: join(config.buffer_dir, outboxFileName(receiver, target)),
    maxBytes: config.buffer_max_bytes,
    synchronous: 'FULL',
    logger: log,
  });
  if (quarantined)
    log.error({ quarantined }, 'The notification outbox was unreadable and was moved aside; notifications it held may be lost.');
  const metrics = notifyMetrics(options.meter, labels, () => (closed ? 0 : buffer.stats().records));
  const policy: RetryPolicy = {
    initialBackoffMs: config.initial_backoff_ms,
    maxBackoffMs: config.max_backoff_ms,
    maxRetryAfterMs: config.max_retry_after_ms,
  };

  const warnLog = createSampledWarning(log);
  // A misconfigured receiver refuses everything: the first refusal is logged in full, the
  // rest at most once a minute with their count (all are in faultline_notifications_failed_total).
  const refused = createSampledWarning(log);
  /** Best effort: the log is an audit trail; delivery never waits for it or fails with it. */
  const logNotification = (n: Notification, status: 'pending' | 'sent' | 'failed', attempts: number, lastError: string | null) => {
    if (!options.database || n.incident_id === null || n.action === 'digest') return;
    recordNotification(options.database, {
      notification_id: n.notification_id,
      incident_id: n.incident_id,
      receiver: labels.target ? `${receiver} ${labels.target}` : receiver,
      action: n.action,
      status,
      attempts,
      last_error: lastError,
      sent_at: status === 'sent' ? new Date(clock.now()).toISOString() : null,
    }).catch((err: unknown) => warnLog({ err }, 'Recording a notification in notification_log failed.'));
  };

  let closed = false;
  let closing = false;
  const stop = new AbortController();
  let running: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  const idleWaiters: (() => void)[] = [];
  /** When the last request was answered (clock time), for minIntervalMs; null before the first. */
  let lastSentMs: number | null = null;

  const sleep = (ms: number) =>
    // A zero wait (Retry-After: 0) goes at once, as it would live; the manual clock would hold it until time moves.
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const cancel: Cancel = scheduler.after(ms, done);
          function done() {
            cancel();
            wake = null;
            resolve();
          }
          wake = done;
        });

  async function attempt(notification: Notification): Promise<AttemptOutcome> {
    let request: PreparedRequest;
    try {
      request = options.prepare(notification);
    } catch (err) {
      return { kind: 'permanent', reason: `cannot build the request: ${(err as Error).message}` };
    }
    const result = await post(request, config.timeout_ms, stop.signal);
    if (!result.ok) return { kind: 'retry', reason: result.error.message, retryAfterMs: null };
    const outcome = classifyStatus(result.status, result.retryAfter, clock.now());
    if (outcome.kind === 'permanent') {
      refused(
        { status: result.status, response: result.bodyStart, notification_id: notification.notification_id, action: notification.action },
        'The receiver refused a notification; it will not be retried. Check the exporter configuration.',
      );
    }
    return outcome;
  }

  async function drain(): Promise<void> {
    let failures = 0;
    while (!closed) {
      const [head] = buffer.peek(1);
      if (!head) break;
      let notification: Notification;
      try {
        notification = JSON.parse(head.record) as Notification;
      } catch (err) {
        // Checksummed, so only a bug writes this; keep the queue moving and count it.
        log.error({ err, seq: head.seq }, 'Dropped an outbox record that is not JSON.');
        buffer.ack(head.seq);
        metrics.failed();
        continue;
      }
      // The pause between messages comes before a send, so the last message leaves no wait behind.
      const paceMs = lastSentMs === null || !options.minIntervalMs ? 0 : lastSentMs + options.minIntervalMs - clock.now();
      if (paceMs > 0) {
        await sleep(paceMs);
        if (closed) break;
      }
      const outcome = await attempt(notification);
      if (closed) break;
      if (outcome.kind === 'delivered') {
        buffer.ack(head.seq);
        metrics.sent();
        logNotification(notification, 'sent', failures + 1, null);
        failures = 0;
        lastSentMs = clock.now();
      } else if (outcome.kind === 'permanent') {
        buffer.ack(head.seq);
        metrics.failed();
        logNotification(notification, 'failed', failures + 1, outcome.reason);
        failures = 0;
      } else {
        if (closing) break;
        failures += 1;
        metrics.retried();
        const delay = retryDelayMs(policy, failures, outcome.retryAfterMs);
        if (failures === 1 || failures % 10 === 0)
          log.warn(
            { reason: outcome.reason, attempts: failures, retry_in_ms: delay, pending: buffer.stats().records },
            'Delivering a notification failed; retrying.',
          );
        await sleep(delay);
      }
    }
  }

  const kick = () => {
    if (closed) return;
    if (running) {
      return;
    }
    running = drain()
      .catch((err) => log.error({ err }, 'The notification sender stopped on an unexpected error; it restarts with the next notification.'))
      .finally(() => {
        running = null;
        if (!closed && buffer.stats().records > 0 && !closing) kick();
        else for (const w of idleWaiters.splice(0)) w();
      });
  };

  // Leftovers from an earlier run go first.
  queueMicrotask(kick);

  return {
    enqueue(notifications) {
      if (closed || notifications.length === 0) return;
      try {
        buffer.append(
          notifications.map((n) => JSON.stringify(n)),
          clock.now(),
        );
      } catch (err) {
        for (const n of notifications) metrics.failed();
        log.error(
          { err, dropped: notifications.length },
          'The notification outbox refused new notifications (full or unwritable); they are lost. Check the receiver and buffer_max_bytes.',
        );
        for (const n of notifications) logNotification(n, 'failed', 0, 'outbox full or unwritable');
        return;
      }
      for (const n of notifications) logNotification(n, 'pending', 0, null);
      kick();
    },
    pending: () => (closed ? 0 : buffer.stats().records),
    drained() {
      if (closed || (!running && buffer.stats().records === 0)) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close(deadlineMs) {
      if (closed) return;
      closing = true;
      wake?.(); // a retry wait ends now; one more pass delivers what it can before the deadline
      if (running) await Promise.race([running, new Promise((r) => setTimeout(r, Math.max(0, deadlineMs)).unref())]);
      closed = true;
      stop.abort(); // the request in flight stays in the outbox and is sent again after the next start
      wake?.();
      if (running) await running.catch(() => {});
      const left = buffer.stats().records;
      if (left > 0) log.info({ pending: left }, 'Notifications left in the outbox; they are delivered after the next start.');
      buffer.close();
      for (const w of idleWaiters.splice(0)) w();
    },
  };
}

/** A stable file per receiver and target: the exporter id, plus a hash of the target URL. */
function outboxFileName(receiver: string, target: string): string {
  const base = receiver.replace(/[^A-Za-z0-9_.-]/g, '_');
  return target ? `${base}-${createHash('sha256').update(target).digest('hex').slice(0, 8)}.sqlite` : `${base}.sqlite`;
}

interface NotifyMetrics {
  sent(): void;
  failed(): void;
  retried(): void;
}

/** `receiver`, plus the target's host:port when an exporter has several (never its path or credentials). */
function metricLabels(receiver: string, target: string): Record<string, string> {
  if (!target) return { receiver };
  try {
    return { receiver, target: new URL(target).host };
  } catch {
    return { receiver };
  }
}

function notifyMetrics(meter: Meter, labels: Record<string, string>, pending: () => number): NotifyMetrics {
  const sent = meter.createCounter('faultline_notifications_sent_total', { description: 'Notifications a receiver accepted (2xx).' });
  const failed = meter.createCounter('faultline_notifications_failed_total', {
    description: 'Notifications given up: refused by the receiver (4xx other than 429) or dropped because the outbox was full.',
  });
  const retries = meter.createCounter('faultline_notifications_retries_total', {
    description: 'Delivery attempts that failed and will be retried (429, 5xx, network).',
  });
  meter
    .createObservableGauge('faultline_notifications_pending', { description: 'Notifications waiting in the outbox.' })
    .addCallback((r) => r.observe(pending(), labels));
  return { sent: () => sent.add(1, labels), failed: () => failed.add(1, labels), retried: () => retries.add(1, labels) };
}
