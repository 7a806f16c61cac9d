// What the simulator itself knows about each fault it injected: the requests it touched, their
// distinct users, the ones the client saw fail, and what they cost at the price table's rates.
// `faultline simulate --truth FILE` writes it, so a live run can be checked against the agent's
// impact figures without reading the spans back.
import type { Simulation } from './generate.ts';
import type { RequestPlan } from './plan.ts';
import { costUsd } from './price-table.ts';

export interface FaultTruth {
  /** The fault's index in the scenario's `faults`. */
  index: number;
  kind: string;
  /** Requests the fault touched (a volume fault: the extra requests it sent). */
  requests: number;
  users: number;
  /** Of them, requests the client saw fail (the last attempt failed, or the proxy refused it). */
  failed_requests: number;
  failed_users: number;
  /** What the touched requests cost: every attempt that was billed. */
  spent_usd: number;
  /** Attempts that failed and the attempts after them (retries and fallbacks). */
  failed_attempts: number;
  retry_usd: number;
}

export interface GroundTruth {
  scenario: string;
  seed: number;
  requests: number;
  users: number;
  spent_usd: number;
  faults: FaultTruth[];
}

const billed = (plan: RequestPlan) =>
  plan.attempts.reduce((s, a) => s + (a.error ? 0 : costUsd(a.spec, a.inputTokens, a.outputTokens).total), 0);
const failed = (plan: RequestPlan) => plan.proxyError !== null || (plan.attempts.at(-1)?.error ?? null) !== null;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function groundTruth(sim: Simulation): GroundTruth {
  const faults = sim.scenario.faults.map((f, index) => {
    const touched = sim.plans.filter((p) => p.faults.includes(index));
    const bad = touched.filter(failed);
    let retryUsd = 0;
    let failedAttempts = 0;
    for (const p of touched) {
      const firstError = p.attempts.findIndex((a) => a.error !== null);
      if (firstError < 0) continue;
      failedAttempts += p.attempts.filter((a) => a.error !== null).length;
      for (const a of p.attempts.slice(firstError + 1)) if (!a.error) retryUsd += costUsd(a.spec, a.inputTokens, a.outputTokens).total;
    }
    return {
      index,
      kind: f.kind,
      requests: touched.length,
      users: new Set(touched.map((p) => p.user)).size,
      failed_requests: bad.length,
      failed_users: new Set(bad.map((p) => p.user)).size,
      spent_usd: round6(touched.reduce((s, p) => s + billed(p), 0)),
      failed_attempts: failedAttempts,
      retry_usd: round6(retryUsd),
    };
  });
  return {
    scenario: sim.scenario.name,
    seed: sim.scenario.seed,
    requests: sim.plans.length,
    users: new Set(sim.plans.map((p) => p.user)).size,
    spent_usd: round6(sim.plans.reduce((s, p) => s + billed(p), 0)),
    faults,
  };
}
