// `npm run soak` options and help.
import { parseArgs } from 'node:util';

export interface SoakOptions {
  minutes: number;
  spansPerSec: number;
  cutEverySecs: number;
  cutSecs: number;
  flapEverySecs: number;
  flapDownSecs: number;
  heapMarkMib: number;
  /** Seconds without an event before an incident resolves. */
  quietPeriodSecs: number;
  /** A PostgreSQL server to create the soak's database in; null: the bundled server in the work dir. */
  serverUrl: string | null;
  /** Working directory to keep (logs, spill file, NDJSON); null: a temp dir removed at the end. */
  keepDir: string | null;
  progressSecs: number;
}

export const SOAK_HELP = `Usage: npm run soak -- [--minutes N] [options]

Runs the agent as its own process for N minutes under simulated LiteLLM traffic with content,
with its bundled PostgreSQL reached through a fault proxy that cuts it for a while every minute
and an alert receiver (webhook) that flaps. Prints progress while it runs: spans sent, events
the agent produced vs stored in PostgreSQL, spill buffer depth, heap and RSS, pages received.
Ends with a summary and a verdict line, and exits 1 when the verdict fails:
  - zero silent loss: events produced = stored + counted lost (faultline_buffer_lost_records_total),
    nothing dead-lettered, every page the stored incidents call for received;
  - the agent's heap stayed under the mark (receivers.otlp.memory_limit_mib);
  - the spill buffer was back to zero within 2 minutes of the end of the last cut.

Options:
  --minutes N           how long traffic runs (default 2)
  --rate N              spans per second (default 2000)
  --cut-every SECS      a PostgreSQL cut starts every SECS seconds (default 60), first at SECS/3
  --cut-secs SECS       how long each cut lasts (default 20)
  --flap-every SECS     the alert receiver goes down every SECS seconds (default 45)
  --flap-secs SECS      and stays down this long (default 15)
  --heap-mark MIB       the agent's memory_limit_mib, the heap verdict's mark (default 512)
  --quiet-period SECS   an incident resolves after SECS without an event (default 30)
  --database URL        create the soak's database on this PostgreSQL server (the URL's user may
                        CREATE DATABASE; the soak cuts its connection through the fault proxy)
                        instead of starting the bundled server in the work directory
  --progress SECS       seconds between progress lines (default 10)
  --keep DIR            work in DIR and keep it (agent log, config, spill file, events NDJSON)
  -h, --help            this text`;

export class SoakUsageError extends Error {}

export function parseSoakOptions(argv: string[]): SoakOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '2' },
      rate: { type: 'string', default: '2000' },
      'cut-every': { type: 'string', default: '60' },
      'cut-secs': { type: 'string', default: '20' },
      'flap-every': { type: 'string', default: '45' },
      'flap-secs': { type: 'string', default: '15' },
      'heap-mark': { type: 'string', default: '512' },
      'quiet-period': { type: 'string', default: '30' },
      database: { type: 'string' },
      progress: { type: 'string', default: '10' },
      keep: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new SoakUsageError(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  const options: SoakOptions = {
    minutes: positive('minutes', values.minutes),
    spansPerSec: positive('rate', values.rate),
    cutEverySecs: positive('cut-every', values['cut-every']),
    cutSecs: positive('cut-secs', values['cut-secs']),
    flapEverySecs: positive('flap-every', values['flap-every']),
    flapDownSecs: positive('flap-secs', values['flap-secs']),
    heapMarkMib: positive('heap-mark', values['heap-mark']),
    quietPeriodSecs: positive('quiet-period', values['quiet-period']),
    serverUrl: values.database ?? null,
    progressSecs: positive('progress', values.progress),
    keepDir: values.keep ?? null,
  };
  if (options.cutSecs >= options.cutEverySecs) throw new SoakUsageError('--cut-secs must be shorter than --cut-every');
  if (options.flapDownSecs >= options.flapEverySecs) throw new SoakUsageError('--flap-secs must be shorter than --flap-every');
  return options;
}
