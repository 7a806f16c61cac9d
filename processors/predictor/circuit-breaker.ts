// The circuit-breaker state of one deployment, observed from outside (the reliability pattern
// LiteLLM's router applies with allowed_fails and cooldowns): closed while calls succeed; open
// after `failures_to_open` consecutive provider failures, or at once on a cooldown / "no
// deployments available" answer; half_open at the first success after that; closed again after
// `successes_to_close` consecutive successes, open again on a failure while half_open.
import type { CircuitState } from '../../agent/core/model/prediction.ts';

export interface Change {
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private successes = 0;

  constructor(
    private readonly failuresToOpen: number,
    private readonly successesToClose: number,
  ) {}

  get current(): CircuitState {
    return this.state;
  }

  /** One call of the deployment, in span order; the change it makes, if any. */
  observe(outcome: 'ok' | 'provider_failure' | 'cooldown' | 'other'): Change | null {
    if (outcome === 'other') return null;
    if (outcome === 'ok') {
      this.failures = 0;
      if (this.state === 'open') {
        this.successes = 1;
        return this.move('half_open', 'first success after the circuit opened');
      }
      if (this.state === 'half_open' && ++this.successes >= this.successesToClose)
        return this.move('closed', `${this.successesToClose} consecutive successes`);
      return null;
    }
    this.successes = 0;
    this.failures++;
    if (this.state === 'half_open') return this.move('open', 'a failure while half open');
    if (this.state === 'closed') {
      if (outcome === 'cooldown') return this.move('open', 'the gateway reports the deployment cooling down or unavailable');
      if (this.failures >= this.failuresToOpen) return this.move('open', `${this.failures} consecutive provider failures`);
    }
    return null;
  }

  private move(to: CircuitState, reason: string): Change {
    const change = { from: this.state, to, reason };
    this.state = to;
    return change;
  }
}
