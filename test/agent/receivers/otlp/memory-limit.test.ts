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

/** Heap readings a test sets: bytes in use now, and after the latest full GC. */
function heapOf(used: number, afterFullGc: number | null): HeapReadings {
  return { used: () => used * MIB, afterFullGc: () => (afterFullGc === null ? null : afterFullGc * MIB), close() {} };
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
