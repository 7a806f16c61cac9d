// Runs in a worker thread (started by check-pool.ts through check-worker.js): answers each posted
// list in one message, over the port the pool handed over, skipping jobs whose batch has stopped
// waiting (see answerJobs).
import { workerData, type MessagePort } from 'node:worker_threads';
import { answerJobs, wallClockMs, type JobList, type WorkerReply } from './expensive-checks.ts';

const port = (workerData as { port?: MessagePort } | null)?.port;
if (port === undefined) throw new Error('check-worker.ts must run in a worker thread started by check-pool.ts, with its answer port.');

port.on('message', (list: JobList) => {
  port.postMessage({ answers: [...answerJobs(list, wallClockMs)] } satisfies WorkerReply);
});
port.postMessage({ ready: true } satisfies WorkerReply);
