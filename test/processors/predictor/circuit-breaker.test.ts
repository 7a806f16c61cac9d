import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../processors/predictor/circuit-breaker.ts';

describe('CircuitBreaker', () => {
  it('opens after consecutive provider failures, half-opens at the first success and closes after enough successes', () => {
    const b = new CircuitBreaker(3, 2);
    expect(b.observe('provider_failure')).toBeNull();
    expect(b.observe('provider_failure')).toBeNull();
    expect(b.observe('provider_failure')).toMatchObject({ from: 'closed', to: 'open' });
    expect(b.observe('provider_failure')).toBeNull();
    expect(b.observe('ok')).toMatchObject({ from: 'open', to: 'half_open' });
    expect(b.observe('ok')).toMatchObject({ from: 'half_open', to: 'closed' });
  });

  it('opens at once on a cooldown answer and again on a failure while half open', () => {
    const b = new CircuitBreaker(3, 3);
    expect(b.observe('cooldown')).toMatchObject({ to: 'open' });
    expect(b.observe('ok')).toMatchObject({ to: 'half_open' });
    expect(b.observe('provider_failure')).toMatchObject({ from: 'half_open', to: 'open' });
  });

  it('is not moved by client-side errors and a success resets the failure count', () => {
    const b = new CircuitBreaker(3, 3);
    b.observe('provider_failure');
    b.observe('provider_failure');
    expect(b.observe('other')).toBeNull();
    b.observe('ok');
    b.observe('provider_failure');
    b.observe('provider_failure');
    expect(b.current).toBe('closed');
  });
});
