// Backpressure: a component that cannot take more data (a spill buffer at its byte cap, a full
// disk) holds intake closed until it recovers. The pipeline's admission check reads it, so the
// receivers answer 503 + Retry-After and the sender keeps the data instead of us dropping it.

export interface BackpressureHold {
  /** The component id holding intake closed. */
  readonly holder: string;
  /** Why, for the 503 body and the log: what is full and what to do. */
  readonly message: string;
  readonly retryAfterSec: number;
}

export interface Backpressure {
  /** Closes intake on behalf of `holder` until release(holder); calling again updates the reason. */
  hold(holder: string, message: string, retryAfterSec: number): void;
  release(holder: string): void;
  /** The oldest active hold, or null when intake is open. */
  current(): BackpressureHold | null;
}

export function createBackpressure(): Backpressure {
  const holds = new Map<string, BackpressureHold>();
  return {
    hold(holder, message, retryAfterSec) {
      holds.set(holder, { holder, message, retryAfterSec });
    },
    release(holder) {
      holds.delete(holder);
    },
    current() {
      for (const h of holds.values()) return h;
      return null;
    },
  };
}
