// The postgres exporter in a process of its own, driven over IPC by spill-model-crash.int.test.ts so
// that test can SIGKILL it in the middle of a spill append, a direct write or a drain. It loads,
// says 'loaded', and waits for { type: 'start', options } (so the test keeps one warm; another
// 'start' moves it to a new spill file, as a clean restart would). Then:
// { type: 'export', id, events }, { type: 'stats', id }, { type: 'stop' } in; 'ready', 'acked'
// (export() resolved: the batch is the exporter's to keep), 'refused', 'stats', 'stopped' out,
// each with the buffer's depth and the lost-records counter.
import pino from 'pino';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { createDatabase } from '../../../agent/store/database.ts';
import { buildExporter } from './exporter-under-test.ts';

interface ChildOptions {
  url: string;
  schema: string;
  spillPath: string;
  config: Record<string, unknown>;
}

type Message =
  | { type: 'start'; options: ChildOptions }
  | { type: 'export'; id: number; events: FailureEvent[] }
  | { type: 'stats'; id: number }
  | { type: 'stop' };

const send = (m: object) => process.send?.(m);
let database: ReturnType<typeof createDatabase>;
let e: Awaited<ReturnType<typeof buildExporter>> | undefined;

async function start(options: ChildOptions): Promise<void> {
  if (e) {
    // Taking over another spill file: the exporter so far stops first, as at a clean restart.
    await e.exporter.shutdown?.();
    await database.close();
  }
  database = createDatabase({
    url: options.url,
    schema: options.schema,
    logger: pino({ level: 'silent' }),
    connectTimeoutMs: 500,
    maxConnections: 4,
  });
  e = await buildExporter(database, options.config, options.spillPath);
  await e.exporter.start?.();
  send({ type: 'ready', ...(await depth()) });
}

const depth = async () => {
  const m = await e!.metrics();
  return { records: m.faultline_buffer_records ?? 0, lost: m.faultline_buffer_lost_records_total ?? 0 };
};

process.on('message', (message: Message) => {
  void (async () => {
    if (message.type === 'start') {
      await start(message.options);
    } else if (message.type === 'export') {
      try {
        await e!.exporter.export(createBatch({ events: message.events }));
        send({ type: 'acked', id: message.id, ...(await depth()) });
      } catch (err) {
        send({ type: 'refused', id: message.id, error: String(err) });
      }
    } else if (message.type === 'stats') {
      send({ type: 'stats', id: message.id, ...(await depth()) });
    } else {
      await e?.exporter.shutdown?.();
      const last = await depth();
      await database.close();
      send({ type: 'stopped', ...last });
      process.disconnect(); // nothing left on the event loop: the process ends
    }
  })();
});
send({ type: 'loaded' });
