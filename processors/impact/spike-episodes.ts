// The waste of a cost spike is not in the one call its event is about: a token_spike event opens a
// run of oversized requests on its route and model (the detector reports the first and re-arms when
// a request is back under its threshold), and a spend_spike event a stretch of spend far above its
// scope's usual rate. Each open episode adds the waste of the calls that follow to the event that
// opened it, until the episode ends the way the detector's does.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import { createSpendHistory, type SpendHistory } from './spend-history.ts';

/** The key of a token_spike run: route, provider and requested model (the detector's rolling-median key). */
export function tokenRunKey(call: LlmCall): string {
  return `${call.identity.route ?? ''}\u0000${call.provider}\u0000${modelOf(call)}`;
}

const modelOf = (call: LlmCall) => call.requestModel ?? call.modelGroup ?? call.responseModel ?? 'unknown';
const tokensOf = (call: LlmCall) => (call.tokens.total ?? (call.tokens.input ?? 0) + (call.tokens.output ?? 0)) || 0;
const costOf = (call: LlmCall) => (call.cost.totalUsd !== null && call.cost.totalUsd > 0 ? call.cost.totalUsd : 0);

const MAX_SCOPE_KEYS = 4_096;

/** The excess share of an oversized request's cost: the part above the usual size. */
export const excessShare = (usualTokens: number, tokens: number): number => (tokens > 0 ? Math.max(0, 1 - usualTokens / tokens) : 0);

interface TokenRun {
  failureId: string;
  usual: number;
  threshold: number;
  sinceMs: number;
}

interface SpendEpisode {
  failureId: string;
  scope: string;
  startMs: number;
  windowMs: number;
  lastMs: number;
  /** Per model: usual spend per ms, and spend since startMs. */
  models: Map<string, { rate: number; spend: number }>;
}

export interface SpikeEpisodes {
  /** A token_spike event on call: later oversized calls of its run add to its waste. */
  openTokenRun(failureId: string, call: LlmCall, usualTokens: number, threshold: number): void;
  /** A spend_spike event on call at eventMs, whose detector window was windowMs: returns the waste so far. */
  openSpendSpike(failureId: string, call: LlmCall, eventMs: number, windowMs: number): number;
  /** Whether a spend spike of the call's scope is open (a secondary match then joins it rather than restarting it). */
  hasSpendSpike(call: LlmCall): boolean;
  /**
   * Feeds one call (in event-time order, after the episodes of earlier events were opened); sets in
   * `changed` each failure whose episode waste it changed: for a token run the waste of the run's
   * later calls, for a spend spike the whole spend above the usual rate.
   */
  observe(call: LlmCall, changed: Map<string, number>): void;
}

/** A key made of a kind and a name, the same string each time, so finding it again builds nothing. */
function internedKeys(kind: string): (name: string) => string {
  const made = new Map<string, string>();
  return (name) => {
    let k = made.get(name);
    if (k === undefined) {
      if (made.size >= MAX_SCOPE_KEYS) made.clear();
      made.set(name, (k = `${kind}\u0000${name}`));
    }
    return k;
  };
}

/** The scope of a spend_spike: the team, else the API key, else the model (the detector's order). */
function createSpendScopes(): (call: LlmCall) => string {
  const team = internedKeys('team');
  const key = internedKeys('key');
  const model = internedKeys('model');
  return (call) => {
    const id = call.identity;
    const teamName = id.team || id.teamAlias;
    if (teamName) return team(teamName);
    const keyName = id.keyAlias || id.keyHash;
    if (keyName) return key(keyName);
    return model(modelOf(call));
  };
}

export function createSpikeEpisodes(options: { baselineMs: number }): SpikeEpisodes {
  const scopeOf = createSpendScopes();
  const runs = new Map<string, TokenRun>();
  const runWaste = new Map<string, number>();
  const spends = new Map<string, SpendEpisode>();
  const history: SpendHistory = createSpendHistory(options.baselineMs + 600_000);

  const spendExcess = (e: SpendEpisode): number => {
    const durationMs = Math.max(0, e.lastMs - e.startMs);
    let excess = 0;
    for (const m of e.models.values()) {
      const expected = m.rate * durationMs;
      // A model whose spend did not clearly rise is noise of the scope's usual traffic, not the spike.
      if (m.spend > 3 * expected) excess += m.spend - expected;
    }
    return excess;
  };

  return {
    openTokenRun(failureId, call, usualTokens, threshold) {
      const key = tokenRunKey(call);
      runs.set(key, { failureId, usual: usualTokens, threshold, sinceMs: call.timing.endMs });
      runWaste.set(failureId, 0);
    },
    openSpendSpike(failureId, call, eventMs, windowMs) {
      const scope = scopeOf(call);
      const startMs = eventMs - windowMs;
      const models = new Map<string, { rate: number; spend: number }>();
      for (const model of history.models(scope)) {
        const base = history.rate(scope, model, startMs - options.baselineMs, startMs);
        models.set(model, { rate: base, spend: history.total(scope, model, startMs, eventMs) });
      }
      const e: SpendEpisode = { failureId, scope, startMs, windowMs, lastMs: eventMs, models };
      spends.set(scope, e);
      return spendExcess(e);
    },
    hasSpendSpike(call) {
      return spends.size > 0 && spends.has(scopeOf(call));
    },
    observe(call, changed) {
      const endMs = call.timing.endMs;
      const cost = costOf(call);
      if (cost === 0 && spends.size === 0 && runs.size === 0) return;
      const scope = scopeOf(call);
      const model = modelOf(call);
      if (cost > 0) history.add(scope, model, endMs, cost);

      // A token run: attempts after the first repeat their request's tokens, as the detector knows.
      if (runs.size > 0 && !(call.attempt && call.attempt.number > 1)) {
        const key = tokenRunKey(call);
        const run = runs.get(key);
        if (run && endMs > run.sinceMs) {
          const tokens = tokensOf(call);
          if (tokens > run.threshold) {
            const waste = (runWaste.get(run.failureId) ?? 0) + cost * excessShare(run.usual, tokens);
            runWaste.set(run.failureId, waste);
            changed.set(run.failureId, waste);
          } else {
            runs.delete(key);
            runWaste.delete(run.failureId);
          }
        }
      }

      const e = spends.size > 0 ? spends.get(scope) : undefined;
      if (e && endMs > e.lastMs) {
        let m = e.models.get(model);
        if (!m) e.models.set(model, (m = { rate: 0, spend: 0 }));
        m.spend += cost;
        e.lastMs = endMs;
        changed.set(e.failureId, spendExcess(e));
        // Over when the models that spiked spend near their usual rate again (the detector re-arms alike).
        let usual = 0;
        let recent = 0;
        for (const [name, x] of e.models) {
          if (!(x.spend > 3 * x.rate * Math.max(0, e.lastMs - e.startMs))) continue;
          usual += x.rate * e.windowMs;
          recent += history.total(scope, name, endMs - e.windowMs, endMs);
        }
        if (recent <= 2 * usual) spends.delete(scope);
      }
    },
  };
}
