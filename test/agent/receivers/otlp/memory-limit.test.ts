// The heap mark the receiver refuses at: a container's --max-old-space-size below the configured
// mark would let V8 abort the process (out of heap) before the receiver ever answered 503.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAdmission, memoryLimit, type HeapReadings } from '../../../../agent/receivers/otlp/admission.ts';
import { buildReceiver } from './receiver-under-test.ts';

const MIB = 1024 * 1024;

describe('memoryLimit', () => {
  it('defaults to 1024 MiB under a large heap limit', () => {
    expect(memoryLimit(null, 4096 * MIB)).toEqual({ mib: 1024, loweredFrom: null });
  });

  it('defaults to 80% of a heap limit set lower (--max-old-space-size=400 → 320 MiB)', () => {
    expect(memoryLimit(null, 400 * MIB)).toEqual({ mib: 320, loweredFrom: null });
  });

  it('keeps a configured mark within 80% of the heap limit, and lowers one above it, saying so', () => {
    expect(memoryLimit(300, 400 * MIB)).toEqual({ mib: 300, loweredFrom: null });
    expect(memoryLimit(1024, 400 * MIB)).toEqual({ mib: 320, loweredFrom: 1024 });
  });

  it('leaves the check off at 0', () => {
    expect(memoryLimit(0, 400 * MIB)).toEqual({ mib: 0, loweredFrom: null });
  });

  it('warns once at start when the configured mark is above what the heap allows', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    // No heap is this large: the mark is lowered to 80% of this process's real heap limit.
    buildReceiver({ memory_limit_mib: 10_000_000 }, undefined, logger);
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ memory_limit_mib: 10_000_000, using_mib: expect.any(Number) });
    expect(warnings[0].using_mib).toBeLessThan(10_000_000);
    expect(warnings[0].msg).toMatch(/above 80% of the V8 heap limit.*Raise --max-old-space-size or lower memory_limit_mib/);
  });
});

/** Readings a test sets: heap bytes in use now and after the latest full GC, and the resident set. */
function heapOf(used: number, afterFullGc: number | null, rss: () => number = () => 200): HeapReadings {
  return {
    used: () => used * MIB,
    afterFullGc: () => (afterFullGc === null ? null : afterFullGc * MIB),
    rss: () => rss() * MIB,
    close() {},
  };
}

describe('the heap check', () => {
  it('admits while the heap in use is under the mark', () => {
    expect(createAdmission(100, heapOf(90, null)).check()).toBeNull();
  });

  it('refuses with a retryable memory error when the heap is over the mark and no full GC has shown less', () => {
    const refusal = createAdmission(100, heapOf(150, null)).check();
    expect(refusal).toMatchObject({ reason: 'memory', retryAfterSec: 5 });
    expect(refusal?.message).toMatch(/memory \(150 MiB of heap and request bodies\) is above its limit of 100 MiB/);
  });

  it('admits over the mark when the latest full GC left the live heap under it: the rest is uncollected garbage', () => {
    expect(createAdmission(100, heapOf(1_100, 70)).check()).toBeNull();
  });

  it('refuses when the latest full GC left more live than the mark, naming that figure', () => {
    expect(createAdmission(100, heapOf(1_100, 130)).check()?.message).toMatch(/memory \(130 MiB /);
  });

  it('never refuses with the check off (0)', () => {
    expect(createAdmission(0, heapOf(10_000, 10_000)).check()).toBeNull();
  });

  it('counts request bodies held, which live outside the heap, against the same mark', () => {
    const admission = createAdmission(100, heapOf(60, 60));
    expect(admission.check(30 * MIB)).toBeNull(); // nothing held yet: a lone request always gets in
    admission.holdBody(30 * MIB);
    expect(admission.check(5 * MIB)).toBeNull(); // 60 + 30 + 5 ≤ 100
    expect(admission.check(20 * MIB)?.message).toMatch(/memory \(110 MiB of heap and request bodies\)/);
    admission.releaseBody(30 * MIB);
    expect(admission.heldBodyBytes()).toBe(0);
    expect(admission.check(20 * MIB)).toBeNull();
  });
});

describe('the resident-memory check', () => {
  /** A resident set that is 200 MiB at start and whatever the test sets afterwards. */
  const growing = () => {
    const now = { mib: 200 };
    return { now, rss: () => now.mib };
  };

  /** What a 100 MiB mark answers once the resident set, 200 MiB at begin(), is `rssMib`, with the heap as given. */
  const checkAfterGrowth = (rssMib: number, used: number, live: number) => {
    const r = growing();
    const admission = createAdmission(100, heapOf(used, live, r.rss));
    admission.begin();
    r.now.mib = rssMib;
    return admission.check();
  };

  it('refuses once the resident set has grown by more than 80% of the mark since start, naming the growth', () => {
    const refusal = checkAfterGrowth(320, 80, 80);
    expect(refusal).toMatchObject({ reason: 'memory', retryAfterSec: 5 });
    expect(refusal?.message).toMatch(
      /resident memory has grown by 120 MiB since it started, near its limit of 100 MiB \(refused from 80%\)/,
    );
  });

  it('admits while the resident set has grown by less than 80% of the mark, and refuses past it', () => {
    expect(checkAfterGrowth(279, 80, 80)).toBeNull();
    expect(checkAfterGrowth(281, 80, 80)?.reason).toBe('memory');
  });

  it('counts growth from the size at begin(), not from when the check was made', () => {
    const r = growing();
    const admission = createAdmission(100, heapOf(80, 80, r.rss));
    r.now.mib = 260; // the pipeline started its worker threads before the receiver listened
    admission.begin();
    r.now.mib = 330; // 70 MiB over the size at begin(), 130 over the size at creation
    expect(admission.check()).toBeNull();
  });

  it('admits when the heap and bodies are under half the mark: the excess is memory kept from an earlier peak', () => {
    expect(checkAfterGrowth(400, 40, 40)).toBeNull();
  });

  it('admits when the latest full GC left the live heap under half the mark, however much garbage the heap holds', () => {
    expect(checkAfterGrowth(400, 95, 30)).toBeNull();
  });
});
