// A small tmpfs of a test's own, to make a full disk real: mounted in a temp dir, filled to a chosen
// number of free bytes by a filler file, emptied again. Mounting needs root (CI runs as root); if
// it is refused the test fails with the reason rather than skipping.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallTmpfs {
  readonly dir: string;
  /** Bytes free now. */
  free(): number;
  /** Writes a filler file so that about `bytes` stay free (replacing an earlier filler). */
  fillLeaving(bytes: number): void;
  /** Removes the filler. */
  emptyFiller(): void;
  unmount(): void;
}

export function mountSmallTmpfs(sizeBytes: number, prefix = 'faultline-tmpfs-'): SmallTmpfs {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`This test needs a small tmpfs to fill (mount -t tmpfs, as root): ${(err as Error).message}`);
  }
  const filler = join(dir, 'filler');
  const free = () => {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  };
  return {
    dir,
    free,
    fillLeaving(bytes) {
      rmSync(filler, { force: true });
      // Written by a child process: the unit tests run in threads of one process, and a child another
      // thread forks while this process has the filler open can keep it, so its deleted blocks stay
      // taken (seen in CI: 0 bytes free after the filler was gone, none of our files open).
      const size = Math.max(0, free() - bytes);
      if (size > 0) execFileSync('fallocate', ['-l', String(size), filler], { stdio: 'pipe' });
      else writeFileSync(filler, '');
    },
    emptyFiller() {
      if (!existsSync(filler)) return;
      const size = statSync(filler).size;
      const before = free();
      rmSync(filler, { force: true });
      // The filler's blocks should be free when unlink returns; a CI run once found the disk still
      // full right after. Wait for them (2 s at most) so a test never blames the code for it.
      const deadline = performance.now() + 2_000;
      while (free() < before + size - 64 * 1024) {
        if (performance.now() > deadline) {
          throw new Error(
            `The small tmpfs ${dir} did not free its ${size}-byte filler within 2 s (${free()} bytes free, ${before} before).`,
          );
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    },
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
