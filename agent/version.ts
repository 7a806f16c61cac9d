import { readFileSync } from 'node:fs';

/** The package version, read once from package.json. */
export function version(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
let cached: string | undefined;
