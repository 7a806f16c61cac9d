// Fleet leases on a test database, quick to take over (acquired every 100 ms), stopped after each
// test. Call at the top level of a test file.
import pino from 'pino';
import { afterEach } from 'vitest';
import type { Database } from '../../agent/store/database.ts';
import { createLease, type Lease } from '../../agent/store/lease.ts';

export function leasesOn(database: () => Database): (holder: string, name: string) => Lease {
  const started: Lease[] = [];
  afterEach(async () => {
    for (const l of started.splice(0)) await l.stop();
  });
  const logger = pino({ level: 'silent' });
  return (holder, name) => {
    const l = createLease({ database: database(), name, holder, ttlMs: 15_000, renewIntervalMs: 5_000, acquireIntervalMs: 100, logger });
    started.push(l);
    l.start();
    return l;
  };
}

/** Waits (15 s at most) until `ok` holds: a lease taken, a leader's poll done. */
export async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
