// The lane table says where each lane lands; these checks hold it to what the migrations create
// and the API serves, so a table entry cannot promise a table or a route that does not exist.
import { describe, expect, it } from 'vitest';
import { createBatch, countItems } from '../../../../agent/core/model/batch.ts';
import { LANE_NAMES, LANE_TABLE, lanes } from '../../../../agent/core/model/lanes.ts';
import { laneWriter } from '../../../../agent/store/writers/index.ts';
import { withTestSchema } from '../../../support/database.ts';
import { startApi } from '../../api/api-under-test.ts';

const db = withTestSchema();

describe('the lane table', () => {
  it('gives every lane a unique name and counts every lane of a batch', () => {
    expect(new Set(LANE_NAMES).size).toBe(LANE_NAMES.length);
    const one = Object.fromEntries(LANE_NAMES.map((name) => [name, [{}]]));
    expect(countItems(createBatch(one as never))).toBe(LANE_NAMES.length);
    expect(Object.keys(createBatch()).sort()).toEqual(
      lanes()
        .map((l) => l.name)
        .sort(),
    );
  });

  it('has a PostgreSQL writer for exactly the lanes it says are stored', () => {
    for (const lane of Object.values(LANE_TABLE)) {
      expect({ lane: lane.name, stored: laneWriter(lane.name) !== undefined }).toEqual({
        lane: lane.name,
        stored: lane.store !== undefined,
      });
    }
  });

  it('names only tables the migrations create', async () => {
    const { rows } = await db.pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [db.schema],
    );
    const tables = new Set(rows.map((r) => r.table_name));
    const named = Object.values(LANE_TABLE).flatMap((l) => l.store?.tables ?? []);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((t) => !tables.has(t))).toEqual([]);
  });

  it('names only API paths the API serves', async () => {
    const api = await startApi(db.database);
    const { body } = await api.get('/api/v1/openapi.json');
    const named = Object.values(LANE_TABLE).flatMap((l) => (l.api ? [l.api.path] : []));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((p) => !(p in body.paths))).toEqual([]);
  });
});
