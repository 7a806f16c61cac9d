import { describe, expect, it } from 'vitest';
import { createLiveTime, createManualTime } from '../../../agent/core/clock.ts';

describe('manual time', () => {
  it('fires timers in time order as it advances, with the clock at each due time', async () => {
    const time = createManualTime(1_000);
    const fired: string[] = [];
    time.scheduler.every(300, () => void fired.push(`a@${time.clock.now()}`));
    time.scheduler.every(500, () => void fired.push(`b@${time.clock.now()}`));
    await time.advanceTo(1_600);
    expect(fired).toEqual(['a@1300', 'b@1500', 'a@1600']);
    expect(time.clock.now()).toBe(1_600);
  });

  it('never moves backwards', async () => {
    const time = createManualTime(5_000);
    await time.advanceTo(4_000);
    expect(time.clock.now()).toBe(5_000);
  });

  it('fires a far-behind periodic timer once per jump rather than once per missed interval', async () => {
    const time = createManualTime(0);
    let fired = 0;
    time.scheduler.every(250, () => void fired++);
    await time.advanceTo(1_700_000_000_000);
    expect(fired).toBe(2);
  });

  it('stops firing a cancelled timer', async () => {
    const time = createManualTime(0);
    let fired = 0;
    const cancel = time.scheduler.every(100, () => void fired++);
    await time.advanceTo(100);
    cancel();
    await time.advanceTo(1_000);
    expect(fired).toBe(1);
  });

  it('fires a one-shot timer once, at its due time, in order with the periodic ones', async () => {
    const time = createManualTime(1_000);
    const fired: string[] = [];
    time.scheduler.every(300, () => void fired.push(`every@${time.clock.now()}`));
    time.scheduler.after(450, () => void fired.push(`after@${time.clock.now()}`));
    await time.advanceTo(2_000);
    expect(fired).toEqual(['every@1300', 'after@1450', 'every@1600', 'every@1900']);
  });

  it('does not fire a one-shot timer cancelled before it was due', async () => {
    const time = createManualTime(0);
    let fired = 0;
    const cancel = time.scheduler.after(100, () => void fired++);
    await time.advanceTo(99);
    cancel();
    await time.advanceTo(1_000);
    expect(fired).toBe(0);
  });

  it('fires a one-shot timer scheduled by a timer that fires during the same advance', async () => {
    const time = createManualTime(0);
    const fired: number[] = [];
    time.scheduler.after(100, () => void time.scheduler.after(50, () => void fired.push(time.clock.now())));
    await time.advanceTo(1_000);
    expect(fired).toEqual([150]);
  });

  it('lists the timers still waiting, earliest first, and drops one-shot timers once fired or cancelled', async () => {
    const time = createManualTime(0);
    time.scheduler.every(1_000, () => {});
    time.scheduler.after(300, () => {});
    const cancel = time.scheduler.after(200, () => {});
    expect(time.pending()).toEqual([
      { dueMs: 200, periodic: false },
      { dueMs: 300, periodic: false },
      { dueMs: 1_000, periodic: true },
    ]);
    cancel();
    await time.advanceTo(500);
    expect(time.pending()).toEqual([{ dueMs: 1_000, periodic: true }]);
  });
});

describe('live time', () => {
  it('runs a one-shot timer after its delay, and not at all once cancelled', async () => {
    const time = createLiveTime();
    let cancelledFired = false;
    time.scheduler.after(5, () => void (cancelledFired = true))();
    await new Promise<void>((resolve) => time.scheduler.after(10, resolve));
    expect(cancelledFired).toBe(false);
    time.stop();
  });
});
