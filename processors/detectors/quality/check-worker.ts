// Runs in a worker thread (started by check-pool.ts through check-worker.js): answers each job of
// a posted list as soon as it is done, so the pool can use partial results when its budget ends.
import { parentPort } from 'node:worker_threads';
import { runExpensiveChecks, type ExpensiveJob, type ExpensiveResult } from './expensive-checks.ts';

const port = parentPort;
if (port === null) throw new Error('check-worker.ts must run in a worker thread (see check-pool.ts).');

port.on('message', (list: { id: number; job: ExpensiveJob }[]) => {
  for (const { id, job } of list) {
    let result: ExpensiveResult | null;
    try {
      result = runExpensiveChecks(job);
    } catch {
      result = null; // counted as dropped by the pool; one bad input must not end the worker
    }
    port.postMessage({ id, result });
  }
});
port.postMessage({ ready: true });
