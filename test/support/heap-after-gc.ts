// The heap in use after a full GC, for tests that check what is kept alive, without starting the
// worker with --expose-gc.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** MiB of heap in use after two full collections. */
export function heapMibAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
