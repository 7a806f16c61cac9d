// A real PgBouncer (Debian's package, `apt-get install pgbouncer`) in transaction pooling mode in
// front of one database of the suite's server, on a free port. PgBouncer refuses to run as root,
// so under root it runs as the `postgres` OS user. Transaction mode is where session state
// (advisory locks, named prepared statements, SET) does not survive between transactions.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pickFreePort } from '../../agent/store/tcp-port.ts';
import { ensureBinary } from './ensure-binary.ts';

export interface PgBouncer {
  /** The database through PgBouncer, same user and password. */
  url: string;
  stop(): Promise<void>;
}

export async function startPgBouncer(databaseUrl: string): Promise<PgBouncer> {
  // Installed from Debian's package when missing (CI starts from a fresh machine), never skipped.
  const binary = ensureBinary('pgbouncer', 'pgbouncer');
  const target = new URL(databaseUrl);
  const port = await pickFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'faultline-pgbouncer-'));
  chmodSync(dir, 0o777);
  const db = target.pathname.slice(1);
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const ini = `[databases]
${db} = host=${target.hostname} port=${target.port} dbname=${db} user=${user} password=${password}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
ignore_startup_parameters = extra_float_digits
logfile = ${join(dir, 'pgbouncer.log')}
`;
  const iniPath = join(dir, 'pgbouncer.ini');
  writeFileSync(iniPath, ini, { mode: 0o644 });
  const asPostgres = process.getuid?.() === 0 ? postgresIds() : undefined;
  const child: ChildProcess = spawn(binary, [iniPath], { stdio: 'ignore', ...(asPostgres ?? {}) });
  const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch (err) {
      await client.end().catch(() => {});
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`PgBouncer did not start (${(err as Error).message}); see ${join(dir, 'pgbouncer.log')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres']).stdout.toString().trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('PgBouncer will not run as root and there is no `postgres` user to run it as.');
  return { uid, gid };
}
