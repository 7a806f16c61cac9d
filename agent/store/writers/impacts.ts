// The `impacts` lane: one failure_impacts row per subject, the highest revision winning, so an
// assessment delivered twice or late never replaces a newer one.
import type { FailureImpact } from '../../core/model/impact.ts';
import { IMPACT_COLUMNS, impactToParams } from '../impact-row.ts';
import { insertRows } from './insert-rows.ts';
import type { LaneWriter } from './lane-writer.ts';

const UPDATE_SET = IMPACT_COLUMNS.filter((c) => c !== 'impact_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .concat('updated_at = now()')
  .join(', ');

export const impactsWriter: LaneWriter<FailureImpact> = {
  recordType: 'failure_impact',
  async write(client, impacts, { agentInstance, maxRowsPerStatement }) {
    // ON CONFLICT DO UPDATE may touch a row once per statement: the highest revision of each subject.
    const latest = new Map<string, FailureImpact>();
    for (const i of impacts) {
      const seen = latest.get(i.impact_id);
      if (!seen || seen.revision < i.revision) latest.set(i.impact_id, i);
    }
    await insertRows(
      client,
      'failure_impacts',
      IMPACT_COLUMNS,
      [...latest.values()].map((i) => impactToParams(i, agentInstance)),
      `ON CONFLICT (impact_id) DO UPDATE SET ${UPDATE_SET} WHERE failure_impacts.revision < EXCLUDED.revision`,
      maxRowsPerStatement,
    );
  },
};
