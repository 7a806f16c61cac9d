// An append-only file that rotates by size: <path> → <path>.1 → <path>.2 …, keeping max_files.
// A line is never split across files, so every rotated file is a complete OTLP JSON-lines file.
import { mkdirSync, statSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface RotatingFile {
  append(text: string): Promise<void>;
  close(): Promise<void>;
}

export function createRotatingFile(path: string, maxBytes: number, maxFiles: number): RotatingFile {
  let handle: FileHandle | null = null;
  let size = 0;
  // Appends are chained so concurrent exports never interleave or race a rotation.
  let queue: Promise<void> = Promise.resolve();

  const openCurrent = async () => {
    mkdirSync(dirname(path), { recursive: true });
    handle = await open(path, 'a');
    size = statSync(path).size;
  };
  const rotate = async () => {
    await handle?.close();
    handle = null;
    await rm(`${path}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(ignoreMissing);
    await rename(path, `${path}.1`).catch(ignoreMissing);
    await openCurrent();
  };

  return {
    append(text) {
      const bytes = Buffer.byteLength(text);
      const step = queue.then(async () => {
        if (handle === null) await openCurrent();
        if (size > 0 && size + bytes > maxBytes) await rotate();
        await handle!.write(text);
        size += bytes;
      });
      queue = step.catch(() => {});
      return step;
    },
    async close() {
      await queue;
      const h = handle;
      handle = null;
      await h?.close();
    },
  };
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
