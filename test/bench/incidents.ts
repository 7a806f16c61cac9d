// `npm run bench incidents`: throughput of the incidents processor (events grouped per second) for
// one outage and for many concurrent fingerprints, and heap per open incident. Prints figures; it
// measures, it does not assert.
import pino from 'pino';
import { createNoopMeter } from '@opentelemetry/api';
import { createBackpressure } from '../../agent/core/backpressure.ts';
import { createManualTime } from '../../agent/core/clock.ts';
import { createHealth } from '../../agent/core/health.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import incidents from '../../processors/incidents/index.ts';
import { failureEvent } from '../support/failure-event-builder.ts';
import { soloLeadership } from '../../agent/core/leadership.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const log = (line = '') => process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function processor() {
  const time = createManualTime(T0);
  const p = await incidents.create(incidents.configSchema.parse({ max_open: 100_000 }), {
    id: 'incidents',
    mode: 'live',
    leadership: soloLeadership(),
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    database: null,
    meter: createNoopMeter(),
    backpressure: createBackpressure(),
    health: createHealth(),
    emit: async () => {},
  });
  await p.start?.();
  return p;
}

function events(n: number, fingerprints: number): FailureEvent[] {
  const subtypes = ['outage', 'timeout', 'overloaded', 'rate_limited'];
  return Array.from({ length: n }, (_, i) => {
    const f = i % fingerprints;
    return failureEvent(i + 1, {
      timestamp: new Date(T0 + i).toISOString(),
      subtype: subtypes[f % 4],
      model: `model-${Math.floor(f / 4)}`,
    });
  });
}

async function throughput(name: string, fingerprints: number) {
  const all = events(50_000, fingerprints);
  const batches: FailureEvent[][] = [];
  for (let i = 0; i < all.length; i += 500) batches.push(all.slice(i, i + 500));
  const p = await processor();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    for (const b of batches) await p.process(createBatch({ events: b }));
    n += all.length;
  }
  log(`  ${name.padEnd(40)} ${fmt(n / ((performance.now() - start) / 1000))} events/s (batches of 500)`);
}

await throughput('one outage (1 fingerprint)', 1);
await throughput('1,000 concurrent fingerprints', 1_000);

(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage().heapUsed;
const p = await processor();
await p.process(createBatch({ events: events(20_000, 20_000) }));
(globalThis as { gc?: () => void }).gc?.();
log(
  `  heap per open incident                   ${fmt((process.memoryUsage().heapUsed - before) / 20_000)} bytes (20,000 open, one event each)`,
);
