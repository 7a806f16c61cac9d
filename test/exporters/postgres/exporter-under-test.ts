// Builds the postgres exporter through its factory, with config parsed by its own schema, a temp
// spill file, a real meter, and the logs collected for assertions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createBackpressure } from '../../../agent/core/backpressure.ts';
import { createLiveTime } from '../../../agent/core/clock.ts';
import type { ComponentContext, Exporter } from '../../../agent/core/component.ts';
import { createHealth } from '../../../agent/core/health.ts';
import type { Database } from '../../../agent/store/database.ts';
import postgres from '../../../exporters/postgres/index.ts';
import { createTestMeter } from '../../support/metric-reader.ts';
import { soloLeadership, type Leadership } from '../../../agent/core/leadership.ts';

export interface ExporterUnderTest {
  exporter: Exporter;
  ctx: ComponentContext;
  spillPath: string;
  logs: Record<string, unknown>[];
  /** This exporter's metrics, by name. */
  metrics(): Promise<Record<string, number>>;
}

/** Fast retries so tests wait milliseconds, not seconds. */
export const FAST = { write_timeout_ms: 2_000, retry: { initial_interval_ms: 50, max_interval_ms: 300 } };

const tempDirs: string[] = [];

export function tempSpillPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-pg-spill-'));
  tempDirs.push(dir);
  return join(dir, 'postgres.sqlite');
}

/** Removes the spill files this test file made (call after its exporters have shut down). */
export function removeTempSpillDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function buildExporter(
  database: Database | null,
  config: Record<string, unknown> = {},
  spillPath = tempSpillPath(),
  /** Whose rows it writes (agent_instance): a lease's holder, or this host when solo. */
  leadership: Leadership = soloLeadership(),
): Promise<ExporterUnderTest> {
  const logs: Record<string, unknown>[] = [];
  const { meter, read } = createTestMeter();
  // Live time: these tests stop and start a real PostgreSQL, and the exporter's backoff and drain
  // pacing wait through that real time.
  const time = createLiveTime();
  const ctx: ComponentContext = {
    id: 'postgres',
    mode: 'live',
    leadership,
    logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
    clock: time.clock,
    scheduler: time.scheduler,
    database,
    meter,
    backpressure: createBackpressure(),
    health: createHealth(),
  };
  const spill = { ...(config.spill as object | undefined), path: spillPath };
  const exporter = await postgres.create(postgres.configSchema.parse({ ...FAST, ...config, spill }), ctx);
  return { exporter, ctx, spillPath, logs, metrics: () => read({ exporter: 'postgres' }) };
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
