// A notification waiting for delivery, as the outbox stores it (JSON text). It carries the
// receiver's payload without secrets — routing keys, signing secrets and webhook URLs are added
// from the configuration when it is sent, so none of them is written to disk.
import { createHash } from 'node:crypto';
import type { IncidentUpdate } from '../../core/model/incident.ts';

export interface Notification {
  /** Deterministic from incident + receiver + transition, so a receiver can drop a duplicate. */
  readonly notification_id: string;
  readonly incident_id: string | null;
  readonly action: 'trigger' | 'resolve' | 'update' | 'digest';
  readonly body: unknown;
}

export function notificationId(receiver: string, key: string): string {
  return createHash('sha256').update(`${receiver}/${key}`).digest('hex').slice(0, 32);
}

export function notificationFor(receiver: string, update: IncidentUpdate, action: Notification['action'], body: unknown): Notification {
  return {
    notification_id: notificationId(receiver, update.transition.transition_id),
    incident_id: update.incident.incident_id,
    action,
    body,
  };
}
