import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';

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
});
