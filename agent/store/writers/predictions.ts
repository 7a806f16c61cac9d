// The `predictions` lane: one row per prediction, upserted as it is scored. A version replaces the
// stored one only if it is at least as far along (a pending version never undoes a confirmed or
// expired one) and not older, so a batch delivered twice or out of order changes nothing.
import type { PredictedFailure } from '../../core/model/prediction.ts';
import { PREDICTION_COLUMNS, predictionToParams } from '../prediction-row.ts';
import { insertRows } from './insert-rows.ts';
import type { LaneWriter } from './lane-writer.ts';

const UPDATE_SET = PREDICTION_COLUMNS.filter((c) => c !== 'prediction_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');
const RANK = (table: string) => `(CASE WHEN ${table}.status = 'pending' THEN 0 ELSE 1 END)`;
const NEWER = `${RANK('EXCLUDED')} > ${RANK('failure_predictions')} OR (${RANK('EXCLUDED')} = ${RANK('failure_predictions')} AND EXCLUDED.updated_at >= failure_predictions.updated_at)`;

const terminal = (p: PredictedFailure) => (p.status === 'pending' ? 0 : 1);

export const predictionsWriter: LaneWriter<PredictedFailure> = {
  recordType: 'prediction',
  async write(client, items, { maxRowsPerStatement }) {
    // ON CONFLICT DO UPDATE may touch a row once per statement: keep the furthest version of each.
    const latest = new Map<string, PredictedFailure>();
    for (const p of items) {
      const seen = latest.get(p.prediction_id);
      if (!seen || terminal(p) > terminal(seen) || (terminal(p) === terminal(seen) && p.updated_at >= seen.updated_at))
        latest.set(p.prediction_id, p);
    }
    await insertRows(
      client,
      'failure_predictions',
      PREDICTION_COLUMNS,
      [...latest.values()].map(predictionToParams),
      `ON CONFLICT (prediction_id) DO UPDATE SET ${UPDATE_SET} WHERE ${NEWER}`,
      maxRowsPerStatement,
    );
  },
};
