// The postgres exporter's counters as Prometheus alerts read them, against a PostgreSQL that is not
// there (a closed loopback port): every counter exists at 0 before anything happens, so the first
// failure or loss is an increase; and a record that fails its checksum during the outage is
// counted while the outage lasts, not once PostgreSQL is back.
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSpillBuffer } from '../../../agent/delivery/spill/index.ts';
import { createDatabase, type Database as PgDatabase } from '../../../agent/store/database.ts';
import { encodeItem } from '../../../exporters/postgres/export-item.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { buildExporter, eventually, removeTempSpillDirs, tempSpillPath, type ExporterUnderTest } from './exporter-under-test.ts';
import { pickFreePort } from '../../../agent/store/tcp-port.ts';

const started: ExporterUnderTest[] = [];
const databases: PgDatabase[] = [];
afterEach(async () => {
  for (const e of started.splice(0)) await e.exporter.shutdown?.();
  for (const d of databases.splice(0)) await d.close();
});
afterAll(removeTempSpillDirs);

async function startAgainstDeadDatabase(spillPath?: string): Promise<ExporterUnderTest> {
  // A free port: nothing listens there, so every connection is refused at once.
  const database = createDatabase({
    url: `postgres://faultline@127.0.0.1:${await pickFreePort()}/faultline`,
    logger: pino({ level: 'silent' }),
    connectTimeoutMs: 1_000,
  });
  databases.push(database);
  const e = await buildExporter(database, {}, spillPath);
  started.push(e);
  await e.exporter.start?.();
  return e;
}

describe('postgres exporter metrics', () => {
  it('exports its delivery and loss counters at 0 before any write, so their first increment is an increase', async () => {
    const e = await startAgainstDeadDatabase();
    expect(await e.metrics()).toMatchObject({
      faultline_exporter_sent_items_total: 0,
      faultline_exporter_send_failed_items_total: 0,
      faultline_exporter_retries_total: 0,
      faultline_exporter_dead_lettered_items_total: 0,
      faultline_buffer_lost_records_total: 0,
    });
  });

  it('counts a buffered record that fails its checksum while PostgreSQL is still down', async () => {
    const spillPath = tempSpillPath();
    const { buffer } = openSpillBuffer({ path: spillPath, maxBytes: 1e8, synchronous: 'FULL', logger: pino({ level: 'silent' }) });
    buffer.append(
      [0, 1, 2].map((i) => encodeItem({ lane: 'events', value: failureEvent(i) })),
      Date.now(),
    );
    buffer.close();
    const e = await startAgainstDeadDatabase(spillPath);
    await eventually('a failed drain attempt', async () =>
      (await e.metrics()).faultline_exporter_send_failed_items_total! > 0 ? true : undefined,
    );
    expect((await e.metrics()).faultline_buffer_lost_records_total).toBe(0);

    // bit rot under the running agent: the oldest record no longer matches its checksum
    const raw = new Database(spillPath);
    raw.prepare('UPDATE records SET record = replace(record, \'"k":"e"\', \'"k":"E"\') WHERE seq = (SELECT min(seq) FROM records)').run();
    raw.close();

    await eventually('the loss to be counted', async () =>
      (await e.metrics()).faultline_buffer_lost_records_total === 1 ? true : undefined,
    );
    expect(await e.metrics()).toMatchObject({ faultline_buffer_records: 2 });
  });
});
