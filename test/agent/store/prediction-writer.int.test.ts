import { describe, expect, it } from 'vitest';
import type { Database } from '../../../agent/core/database.ts';
import type { PredictedFailure } from '../../../agent/core/model/prediction.ts';
import { listPredictions, predictionAccuracy } from '../../../agent/store/prediction-queries.ts';
import { predictionsWriter } from '../../../agent/store/writers/predictions.ts';
import { withTestSchema } from '../../support/database.ts';

const pending: PredictedFailure = {
  prediction_id: 'a'.repeat(32),
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  deployment: 'dep-1',
  failure_type: 'rate_limited',
  score: 0.83,
  active: true,
  predicted_at: '2026-01-05T09:02:00.000Z',
  expected_at: '2026-01-05T09:03:10.000Z',
  horizon_secs: 300,
  indicators: { tokens_remaining: 81234, utilization: 0.66, secs_to_exhaustion: 70 },
  recommended_action: 'shift_traffic',
  status: 'pending',
  outcome_failure_id: null,
  lead_secs: null,
  resolved_at: null,
  updated_at: '2026-01-05T09:02:00.000Z',
};
const confirmed: PredictedFailure = {
  ...pending,
  status: 'confirmed',
  outcome_failure_id: 'f'.repeat(32),
  lead_secs: 74.5,
  resolved_at: '2026-01-05T09:03:14.500Z',
  updated_at: '2026-01-05T09:03:14.500Z',
};
const expired: PredictedFailure = {
  ...pending,
  prediction_id: 'b'.repeat(32),
  predicted_at: '2026-01-05T10:00:00.000Z',
  status: 'expired',
  active: false,
  resolved_at: '2026-01-05T10:05:00.000Z',
  updated_at: '2026-01-05T10:05:00.000Z',
};
const missed: PredictedFailure = {
  ...pending,
  prediction_id: 'c'.repeat(32),
  predicted_at: '2026-01-05T11:00:00.000Z',
  score: 0,
  active: false,
  expected_at: null,
  horizon_secs: 0,
  indicators: {},
  recommended_action: 'watch',
  status: 'missed',
  outcome_failure_id: 'e'.repeat(32),
  resolved_at: '2026-01-05T11:00:00.000Z',
  updated_at: '2026-01-05T11:00:00.000Z',
};

describe('predictions writer', () => {
  const db = withTestSchema();
  const database = () => ({ pool: db.pool }) as unknown as Database;
  const write = async (items: PredictedFailure[]) => {
    const client = await db.pool.connect();
    try {
      await predictionsWriter.write(client, items, { agentInstance: null, maxRowsPerStatement: 100 });
    } finally {
      client.release();
    }
  };

  it('keeps the furthest version of a prediction, whatever order the versions arrive in', async () => {
    await write([confirmed]);
    await write([pending]);
    await write([pending, confirmed, pending]);
    const rows = await listPredictions(database(), { take: 10 });
    expect(rows).toEqual([confirmed]);
  });

  it('lists by state and provider and reports precision, recall and median lead per failure type', async () => {
    await write([confirmed, expired, missed]);
    expect((await listPredictions(database(), { state: 'missed', take: 10 })).map((p) => p.prediction_id)).toEqual([missed.prediction_id]);
    expect(await listPredictions(database(), { provider: 'openai', take: 10 })).toEqual([]);
    expect(await predictionAccuracy(database(), {})).toEqual([
      {
        failure_type: 'rate_limited',
        confirmed: 1,
        expired: 1,
        missed: 1,
        pending: 0,
        precision: 0.5,
        recall: 0.5,
        median_lead_secs: 74.5,
      },
    ]);
  });
});
