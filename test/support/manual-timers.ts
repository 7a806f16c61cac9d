// Waiting on the manual clock without sleeping. A component that waits (a notification retry, the
// pause between two Slack messages) schedules a one-shot timer once its real HTTP exchange is over;
// a test polls until that timer exists, checks when it is due, and moves the clock to it.
import type { ManualTime } from '../../agent/core/clock.ts';

/** Resolves with the due time of the earliest one-shot timer, once one is waiting. */
export async function waitForTimer(time: ManualTime, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const next = time.pending().find((t) => !t.periodic);
    if (next) return next.dueMs;
    if (Date.now() > deadline) throw new Error(`No one-shot timer was scheduled within ${timeoutMs} ms.`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits for the next one-shot timer and advances the clock to it, firing it; returns its due time. */
export async function fireNextTimer(time: ManualTime): Promise<number> {
  const dueMs = await waitForTimer(time);
  await time.advanceTo(dueMs);
  return dueMs;
}
