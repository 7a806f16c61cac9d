import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../exporters/postgres/backoff.ts';
import { classifyWriteError, isServerAway, WriteTimeoutError } from '../../../exporters/postgres/write-error.ts';

const pgError = (code: string) => Object.assign(new Error(`server said ${code}`), { code });

describe('classifyWriteError', () => {
  it.each(['23505', '23514', '22P02', '22021', '21000', '54000'])('treats SQLSTATE %s (the data is refused) as permanent', (code) => {
    expect(classifyWriteError(pgError(code))).toMatchObject({ retryable: false, code });
  });

  it.each(['57P01', '40001', '40P01', '53300', '08006', '57014', '42P01', 'XX000'])(
    'treats SQLSTATE %s (the server, not the data) as retryable',
    (code) => {
      expect(classifyWriteError(pgError(code))).toMatchObject({ retryable: true, code });
    },
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])('treats the network error %s as retryable', (code) => {
    expect(classifyWriteError(pgError(code)).retryable).toBe(true);
  });

  it('treats its own deadline, pool timeouts and unknown errors as retryable', () => {
    expect(classifyWriteError(new WriteTimeoutError(100))).toMatchObject({ retryable: true, code: 'FL_WRITE_TIMEOUT' });
    expect(classifyWriteError(new Error('timeout exceeded when trying to connect')).retryable).toBe(true);
    expect(classifyWriteError('something odd').retryable).toBe(true);
  });
});

describe('isServerAway', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('says PostgreSQL is away when the connection is refused, reset or lost, or the server is shutting down', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', '08006', '08001', '57P01', '57P03']) {
      expect(isServerAway(withCode(code)), code).toBe(true);
    }
    expect(isServerAway(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not when PostgreSQL is slow or refuses the data', () => {
    expect(isServerAway(new WriteTimeoutError(100))).toBe(false);
    for (const code of ['57014', '23505', '22021', '40001', '53300']) expect(isServerAway(withCode(code)), code).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  const policy = { initial_interval_ms: 100, max_interval_ms: 1_000, multiplier: 2, randomization_factor: 0.5 };

  it('grows exponentially up to the cap', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(policy, n, mid))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('spreads each wait by the randomization factor', () => {
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(200);
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(600);
  });
});
