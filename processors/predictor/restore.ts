// Predictions a restart resumes: still pending, or settled but with their risk not yet passed (the
// actions exporter may be holding a deployment's weight down for them).
import type { Database } from '../../agent/core/database.ts';
import type { PredictedFailure } from '../../agent/core/model/prediction.ts';
import { PREDICTION_COLUMNS, rowToPrediction } from '../../agent/store/prediction-row.ts';

const MAX_RESTORED = 10_000;

export async function selectOpenPredictions(database: Database): Promise<PredictedFailure[]> {
  const { rows } = await database.pool.query(
    `SELECT ${PREDICTION_COLUMNS.join(', ')} FROM failure_predictions WHERE status = 'pending' OR active ORDER BY predicted_at DESC LIMIT $1`,
    [MAX_RESTORED],
  );
  return rows.map(rowToPrediction);
}
