// Wakes the drain loop when records are spilled. A notify with nobody waiting is remembered, so
// a wake-up between the loop's check and its wait is never missed.
export interface WakeSignal {
  notify(): void;
  wait(): Promise<void>;
}

export function createWakeSignal(): WakeSignal {
  let pending = false;
  let resolve: (() => void) | null = null;
  return {
    notify() {
      if (resolve) {
        const r = resolve;
        resolve = null;
        r();
      } else pending = true;
    },
    wait() {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((r) => (resolve = r));
    },
  };
}
