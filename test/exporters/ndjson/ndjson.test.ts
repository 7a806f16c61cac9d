// The ndjson exporter writes the lanes it is given, one JSON object per line, choosing the encoding
// by the lane table: raw lanes from receivers keep their bytes (base64) and bigint times.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import ndjson from '../../../exporters/ndjson/index.ts';
import { makeServices } from '../../support/component-context.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { span } from '../../support/span-builder.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-ndjson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ndjson exporter', () => {
  it('writes each chosen lane in the order configured, raw spans with their times as decimal strings', async () => {
    const path = join(dir, 'out.ndjson');
    const time = createManualTime(0);
    const exporter = await ndjson.create(ndjson.configSchema.parse({ path, lanes: ['events', 'spans'] }), {
      id: 'ndjson',
      logger: pino({ level: 'silent' }),
      clock: time.clock,
      scheduler: time.scheduler,
      ...makeServices(),
    });
    await exporter.start?.();
    const s = span({ startMs: 1_767_225_600_000, durationMs: 250 });
    const e = failureEvent(1);
    await exporter.export(createBatch({ spans: [s], events: [e], calls: [] }));
    await exporter.shutdown?.();

    const [eventLine, spanLine, ...rest] = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rest).toEqual([]);
    expect(eventLine).toEqual(JSON.parse(JSON.stringify(e)));
    expect(spanLine).toMatchObject({ traceId: s.traceId, spanId: s.spanId, endTimeUnixNano: '1767225600250000000' });
  });

  it('refuses a lane the table does not declare, naming the lanes it knows', () => {
    const parsed = ndjson.configSchema.safeParse({ lanes: ['events', 'nonsense'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].message).toMatch(
      /^expected one of "events", "incidents", "calls", "content", "spans", "logs", "baselines", "correlations", "slos", "impacts", "predictions", "circuits", got "nonsense"$/,
    );
  });
});
