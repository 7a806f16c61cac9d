// What /readyz reports: ready when the pipeline has started, the database answers (or a postgres
// exporter says it is buffering, so nothing is lost while it is down), and every other component
// that reports health is ready.
import { z } from 'zod';
import type { Health, HealthState } from '../core/health.ts';
import type { Database } from '../store/database.ts';

export const Readiness = z.strictObject({
  status: z.enum(['ready', 'not_ready']),
  message: z.string().describe('One line: what is not ready, or "ready".'),
  checks: z
    .record(z.string(), z.strictObject({ ready: z.boolean(), detail: z.string() }))
    .describe('Each check: pipeline, database and every component that reports health.'),
});
export type Readiness = z.infer<typeof Readiness>;

/** Health ids of the postgres exporters: `postgres` or `postgres/<name>`. They report ready while writing or buffering. */
const DATABASE_WRITER = /^postgres(\/|$)/;
const DATABASE_CHECK_TIMEOUT_MS = 2_000;

export async function checkReadiness(health: Health, database: Database): Promise<Readiness & { cause?: unknown }> {
  const states = health.snapshot();
  const checks: Record<string, HealthState> = {
    pipeline: states.pipeline ?? { ready: false, detail: 'not started' },
  };
  let cause: unknown;
  try {
    await withTimeout(database.checkReady(), DATABASE_CHECK_TIMEOUT_MS);
    checks.database = { ready: true, detail: 'reachable' };
  } catch (err) {
    cause = err;
    const writers = Object.entries(states).filter(([id]) => DATABASE_WRITER.test(id));
    const buffering = writers.find(([, s]) => s.ready);
    // The URL (host names) stays out of this unauthenticated answer; the log has the details.
    checks.database = buffering
      ? { ready: true, detail: `not reachable; ${buffering[0]} is buffering (${buffering[1].detail})` }
      : { ready: false, detail: `not reachable${writers.length > 0 ? ' and no postgres exporter is buffering' : ''}` };
  }
  for (const [id, state] of Object.entries(states)) if (id !== 'pipeline') checks[id] = state;
  const failing = Object.entries(checks).filter(([, s]) => !s.ready);
  return {
    status: failing.length === 0 ? 'ready' : 'not_ready',
    message: failing.length === 0 ? 'ready' : `not ready: ${failing.map(([id, s]) => `${id} (${s.detail})`).join(', ')}`,
    checks,
    cause,
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
