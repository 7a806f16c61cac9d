// Runs in a worker thread (started by check-pool.ts through check-worker.js): answers each job of
// a posted list as soon as it is done, so the pool can use partial results when its budget ends.
import { parentPort } from 'node:worker_threads';
import { answerJobs, wallClockMs, type JobList } from './expensive-checks.ts';

const port = parentPort;
if (port === null) throw new Error('check-worker.ts must run in a worker thread (see check-pool.ts).');

port.on('message', (list: JobList) => {
  for (const answer of answerJobs(list, wallClockMs)) port.postMessage(answer);
});
port.postMessage({ ready: true });
