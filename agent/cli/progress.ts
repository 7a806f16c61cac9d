// A one-line progress bar on a terminal; nothing when the stream is not a TTY (files, CI, tests).
import type { Writable } from 'node:stream';

export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const WIDTH = 30;

export function createProgress(stream: Writable, verb: string): Progress {
  const tty = (stream as Writable & { isTTY?: boolean }).isTTY === true;
  let drawn = false;
  let lastPct = -1;
  return {
    update(done, total) {
      if (!tty || total === 0) return;
      const pct = Math.floor((done / total) * 100);
      if (pct === lastPct) return;
      lastPct = pct;
      const filled = Math.round((done / total) * WIDTH);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(pct).padStart(3)}%  ${done}/${total} spans ${verb}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
