// Bounded label values: an allow-list kept as is, then the first max_values other distinct values,
// then "other". Keeps series counts bounded whatever the traffic sends (a new model name per
// request, a misconfigured api_base) without dropping the observation itself.

export const OTHER = 'other';

export interface LabelLimiter {
  (value: string): string;
}

export function createLabelLimiter(limit: { allow: readonly string[]; max_values: number }): LabelLimiter {
  const allowed = new Set(limit.allow);
  const admitted = new Set<string>();
  return (value) => {
    if (allowed.has(value) || admitted.has(value)) return value;
    if (admitted.size < limit.max_values) {
      admitted.add(value);
      return value;
    }
    return OTHER;
  };
}
