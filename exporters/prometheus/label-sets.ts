// Attribute objects for the per-call metrics, built once per distinct (bounded) label set and
// reused: the SDK hashes every attribute object it is given, and building fresh ones per call
// (several spreads per call) made garbage collection the exporter's main cost.
import type { Attributes } from '@opentelemetry/api';
import { COST_OUTCOMES, type CostOutcome } from '../../agent/core/model/cost-outcome.ts';

export interface CallLabelSet {
  /** provider + optional labels. */
  readonly base: Attributes;
  readonly outcome: { ok: Attributes; error: Attributes };
  /** base + the cost outcome (ok, failed, retried, fallback): the cost histogram's attributes. */
  readonly cost: Readonly<Record<CostOutcome, Attributes>>;
  /** base + gen_ai_operation_name, and per token type. */
  readonly op: Attributes;
  readonly input: Attributes;
  readonly output: Attributes;
  /** Per error_type: the errors counter's and the duration histogram's attributes. */
  errorOf(errorType: string): { errors: Attributes; duration: Attributes };
}

// Frozen because they are shared: the SDK keeps the first object it sees per series, and the
// rate-limit gauges remember their series per object.
const freeze = (a: Attributes): Attributes => Object.freeze(a);

export function createLabelSets() {
  const sets = new Map<string, CallLabelSet>();
  /** `values` are already bounded by the label limits, so the cache is bounded too. */
  return (names: readonly string[], values: readonly string[], operation: string): CallLabelSet => {
    let key = operation;
    for (const v of values) key += `\u0000${v}`;
    let set = sets.get(key);
    if (!set) {
      const built: Attributes = {};
      names.forEach((n, i) => (built[n] = values[i]));
      const base = freeze(built);
      const op = freeze({ ...base, gen_ai_operation_name: operation });
      const errors = new Map<string, { errors: Attributes; duration: Attributes }>();
      set = {
        base,
        outcome: { ok: freeze({ ...base, outcome: 'ok' }), error: freeze({ ...base, outcome: 'error' }) },
        cost: Object.fromEntries(COST_OUTCOMES.map((o) => [o, freeze({ ...base, outcome: o })])) as Record<CostOutcome, Attributes>,
        op,
        input: freeze({ ...op, gen_ai_token_type: 'input' }),
        output: freeze({ ...op, gen_ai_token_type: 'output' }),
        errorOf(errorType) {
          let e = errors.get(errorType);
          if (!e)
            errors.set(
              errorType,
              (e = { errors: freeze({ ...base, error_type: errorType }), duration: freeze({ ...op, error_type: errorType }) }),
            );
          return e;
        },
      };
      sets.set(key, set);
    }
    return set;
  };
}
