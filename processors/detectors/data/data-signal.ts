// The Signal every data check returns: evidence names the rule, the key (collection, model or
// data source), the window and the baseline and observed levels; fields are the data category's.
import type { Signal } from '../../../agent/core/model/signal.ts';

export function dataSignal(
  subtype: string,
  method: string,
  evidence: Record<string, unknown>,
  fields: Signal['fields'],
  window?: Signal['window'],
): Signal {
  const signal: Signal = { category: 'data', subtype, detection_method: method, confidence: 1, evidence, fields };
  if (window !== undefined) signal.window = window;
  return signal;
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
