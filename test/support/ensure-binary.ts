// Makes sure a system binary an end-to-end test needs is installed: found on PATH, or installed
// with apt-get (the test machine is Debian and tests run as root; CI starts from a fresh one).
// Fails with a sentence saying what to install when it cannot, never skips.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** The path of `binary`, installing Debian package `aptPackage` first when it is missing. */
export function ensureBinary(binary: string, aptPackage: string): string {
  const found = findOnPath(binary);
  if (found) return found;
  const hint = `Install it with: apt-get update && apt-get install -y ${aptPackage}`;
  if (process.getuid?.() !== 0)
    throw new Error(`${binary} is not installed and the tests are not running as root, so they cannot install it. ${hint}`);
  if (!findOnPath('apt-get'))
    throw new Error(`${binary} is not installed and apt-get is not available here. ${hint} (or your system's equivalent).`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { env, stdio: 'pipe', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', aptPackage], { env, stdio: 'pipe', timeout: 600_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`Installing ${aptPackage} failed: ${e.stderr?.toString().trim() || e.message}. ${hint}`);
  }
  const installed = findOnPath(binary);
  if (!installed) throw new Error(`${aptPackage} was installed but ${binary} is still not on PATH (${process.env.PATH}).`);
  return installed;
}
