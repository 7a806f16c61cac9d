// One thing the actions exporter did or would have done, recorded in `prediction_actions` (when the
// agent has a database), logged, and counted, so every change to a router can be traced to the
// prediction that caused it and to its undoing.
import { createHash } from 'node:crypto';
import type { Database } from '../../agent/core/database.ts';

export interface ActionRecord {
  action_id: string;
  prediction_id: string;
  at: string;
  kind: 'lower_weight' | 'restore_weight' | 'recommend';
  provider: string;
  model: string | null;
  deployment: string | null;
  /** dry_run: not done; applied: done; recommend_only: cannot be done here (a config-file model…); failed. */
  outcome: 'dry_run' | 'applied' | 'recommend_only' | 'failed';
  from_weight: number | null;
  to_weight: number | null;
  reason: string;
}

export function actionId(predictionId: string, kind: ActionRecord['kind']): string {
  return createHash('sha256').update(`${predictionId}\u0000${kind}`).digest('hex').slice(0, 32);
}

export async function storeAction(database: Database, a: ActionRecord): Promise<void> {
  await database.pool.query(
    `INSERT INTO prediction_actions (action_id, prediction_id, at, kind, provider, model, deployment, outcome, from_weight, to_weight, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (action_id) DO NOTHING`,
    [a.action_id, a.prediction_id, a.at, a.kind, a.provider, a.model, a.deployment, a.outcome, a.from_weight, a.to_weight, a.reason],
  );
}
