// Adding a lane is one table entry, its writer and its migration: this file adds one the way a
// capability would (a lane declaration, a PostgreSQL writer, a table), then sends a batch that
// holds nothing else through the real processor chain and checks every exporter got it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualTime } from '../../../../agent/core/clock.ts';
import { countItems, createBatch, isEmptyBatch, laneItems, type Batch } from '../../../../agent/core/model/batch.ts';
import { countEach, defineLane } from '../../../../agent/core/model/lane.ts';
import { registerLane } from '../../../../agent/core/model/lanes.ts';
import { buildPipelines } from '../../../../agent/core/pipeline/build.ts';
import { registry } from '../../../../agent/registry.ts';
import { registerLaneWriter } from '../../../../agent/store/writers/index.ts';
import { parseConfig } from '../../../../config/load.ts';
import { decodeItem, encodeItem } from '../../../../exporters/postgres/export-item.ts';
import { withTestSchema } from '../../../support/database.ts';
import { createTestComponents } from '../../../support/test-components.ts';

interface ProbeResult {
  probe_id: string;
  provider: string;
  at: string;
  latency_ms: number;
}

const probes = defineLane<ProbeResult>()({
  name: 'probes',
  description: 'Synthetic probe results (a lane only this test declares).',
  source: 'processor',
  count: countEach,
  time: (p) => Date.parse(p.at),
  key: (p) => p.probe_id,
  unit: (p) => `probe:${p.probe_id}`,
  store: { tables: ['test_probe_results'] },
});
registerLane(probes);
registerLaneWriter('probes', {
  recordType: 'probe_result',
  async write(client, items: readonly ProbeResult[]) {
    for (const p of items) {
      await client.query(
        'INSERT INTO test_probe_results (probe_id, provider, at, latency_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (probe_id) DO NOTHING',
        [p.probe_id, p.provider, p.at, p.latency_ms],
      );
    }
  },
});

const results: ProbeResult[] = [
  { probe_id: 'p-1', provider: 'openai', at: '2026-03-01T10:00:00.000Z', latency_ms: 420 },
  { probe_id: 'p-2', provider: 'anthropic', at: '2026-03-01T10:00:01.000Z', latency_ms: 610 },
];
const probeBatch = (): Batch => createBatch({ probes: results } as Partial<Batch>);

const db = withTestSchema();
let dir: string;
beforeAll(async () => {
  // The lane's migration.
  await db.pool.query('CREATE TABLE test_probe_results (probe_id text PRIMARY KEY, provider text, at timestamptz, latency_ms int)');
  dir = mkdtempSync(join(tmpdir(), 'faultline-lane-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a lane added to the table', () => {
  it('is counted, so a batch holding only its items is not empty', () => {
    const batch = probeBatch();
    expect(countItems(batch)).toBe(2);
    expect(isEmptyBatch(batch)).toBe(false);
    expect(laneItems(createBatch(), 'probes')).toEqual([]);
  });

  it('goes through the postgres spill format and comes back as the same item', () => {
    const item = { lane: 'probes', value: results[0] };
    expect(decodeItem(encodeItem(item))).toEqual(item);
  });

  it('reaches every exporter through the full processor chain when a batch holds nothing else', async () => {
    const t = createTestComponents();
    const ndjsonPath = join(dir, 'probes.ndjson');
    const config = parseConfig(
      `
receivers: { test_receiver: }
processors: { normalize: , trace_assembler: , detectors: , classifier: , incidents: }
exporters:
  test_exporter:
  ndjson: { path: ${JSON.stringify(ndjsonPath)}, lanes: [probes] }
  postgres: { spill: { path: ${JSON.stringify(join(dir, 'spill.sqlite'))} } }
storage: {}
service:
  pipelines:
    main:
      receivers: [test_receiver]
      processors: [normalize, trace_assembler, detectors, classifier, incidents]
      exporters: [test_exporter, ndjson, postgres]
`,
      [...registry, ...t.factories],
    );
    const time = createManualTime(Date.parse('2026-03-01T10:00:05Z'));
    const pipelines = await buildPipelines(config, {
      logger: pino({ level: 'silent' }),
      clock: time.clock,
      scheduler: time.scheduler,
      database: db.database,
    });
    await pipelines.start();
    try {
      await t.consumer('test_receiver')(probeBatch());
    } finally {
      await pipelines.shutdown();
      time.stop();
    }

    const exported = t.exported('test_exporter');
    expect(exported.flatMap((b) => laneItems(b, 'probes'))).toEqual(results);
    const lines = readFileSync(ndjsonPath, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(results);
    const rows = await db.pool.query('SELECT probe_id, provider, latency_ms FROM test_probe_results ORDER BY probe_id');
    expect(rows.rows).toEqual([
      { probe_id: 'p-1', provider: 'openai', latency_ms: 420 },
      { probe_id: 'p-2', provider: 'anthropic', latency_ms: 610 },
    ]);
    const stats = Object.fromEntries(pipelines.stats().map((s) => [`${s.kind}:${s.id}`, s]));
    for (const id of ['normalize', 'trace_assembler', 'detectors', 'classifier', 'incidents']) {
      expect(stats[`processor:${id}`]).toMatchObject({ itemsIn: 2, itemsOut: 2, errors: 0 });
    }
  });
});
