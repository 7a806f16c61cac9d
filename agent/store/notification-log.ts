// The notification_log table: one row per notification about an incident, keyed by its
// deterministic notification_id — pending when queued, then sent or failed with the attempts it
// took. Writes are idempotent and a settled row never goes back to pending, whatever order the
// (fire-and-forget) writes land in.
import type { Database } from './database.ts';

export interface NotificationLogEntry {
  notification_id: string;
  incident_id: string;
  receiver: string;
  action: 'trigger' | 'update' | 'resolve';
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
}

export async function recordNotification(db: Database, e: NotificationLogEntry): Promise<void> {
  await db.pool.query(
    `INSERT INTO notification_log (notification_id, incident_id, receiver, action, status, attempts, last_error, sent_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (notification_id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, sent_at = EXCLUDED.sent_at
     WHERE notification_log.status = 'pending' AND EXCLUDED.status <> 'pending'`,
    [e.notification_id, e.incident_id, e.receiver, e.action, e.status, e.attempts, e.last_error, e.sent_at],
  );
}
