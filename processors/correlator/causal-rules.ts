// The causal rules: which kind of failure can cause which, under what shared scope, and why. A
// rule links a cause to an effect only inside the correlation window; its direction is fixed by
// what causes what, or, between two kinds of one class (two models of one provider going down),
// by time: the earlier is the cause.
import type { FailureClass } from './failure-class.ts';
import { dominant, type KindFacts } from './kind-state.ts';
import { modelRef, type FallbackPairs } from './fallback-pairs.ts';
import type { Attribute, TrafficShares } from './traffic-shares.ts';

export interface RuleContext {
  readonly fallbacks: FallbackPairs;
  readonly traffic: TrafficShares;
  /** Event time of the failure being linked. */
  readonly nowMs: number;
  /** Largest share of the traffic a route may carry and still single out failures. */
  readonly maxTrafficShare: number;
}

export interface CausalRule {
  readonly name: string;
  /** The reason, for docs/correlation.md and the rule's test. */
  readonly why: string;
  readonly weight: number;
  readonly causes: readonly FailureClass[];
  readonly effects: readonly FailureClass[];
  /** What cause and effect must share. */
  readonly scope: (cause: KindFacts, effect: KindFacts, ctx: RuleContext) => boolean;
  /** Only these subtypes on the cause side (default: any of the classes). */
  readonly causeSubtypes?: readonly string[];
  readonly effectSubtypes?: readonly string[];
  /** Cause and effect must have the same subtype (the same failure on several models). */
  readonly sameSubtype?: boolean;
}

const DOWN: FailureClass[] = ['provider_down'];
const PROVIDER_TROUBLE: FailureClass[] = ['provider_down', 'provider_slow', 'provider_limit'];
const EVERY_SYMPTOM: FailureClass[] = ['provider_slow', 'provider_limit', 'request_error', 'retry', 'cost_surge', 'data_drift', 'quality'];

const known = (provider: string) => provider !== 'unknown' && provider !== '';
export const sameProvider = (c: KindFacts, e: KindFacts) => known(c.provider) && c.provider === e.provider;
export const sameModel = (c: KindFacts, e: KindFacts) => sameProvider(c, e) && c.model !== null && c.model === e.model;

function shared(attribute: Attribute, c: KindFacts, e: KindFacts): string | null {
  const values = attribute === 'team' ? [c.teams, e.teams] : attribute === 'route' ? [c.routes, e.routes] : [c.keys, e.keys];
  const mine = dominant(values[0], c.count);
  return mine !== null && mine === dominant(values[1], e.count) ? mine : null;
}

/** The same team or API key carries most failures of both, or a route that only part of the traffic takes. */
export function sameScope(c: KindFacts, e: KindFacts, ctx: RuleContext): boolean {
  if (shared('team', c, e) !== null || shared('key', c, e) !== null) return true;
  const route = shared('route', c, e);
  return route !== null && isCharacteristic('route', route, ctx);
}

/** A value that only part of the traffic carries, so failures sharing it have something in common. */
export function isCharacteristic(attribute: Attribute, value: string, ctx: RuleContext): boolean {
  const share = ctx.traffic.share(attribute, value, ctx.nowMs);
  return share !== null && share <= ctx.maxTrafficShare;
}

/** Which shared team, route or key singles both kinds out, if any (the temporal link). */
export function characteristicScope(c: KindFacts, e: KindFacts, ctx: RuleContext): Attribute | null {
  for (const attribute of ['key', 'team', 'route'] as const) {
    const value = shared(attribute, c, e);
    if (value !== null && isCharacteristic(attribute, value, ctx)) return attribute;
  }
  return null;
}

/** The effect is on the model the cause's failed attempts fell back to, and on its fallback traffic. */
function onFallback(c: KindFacts, e: KindFacts, ctx: RuleContext): boolean {
  if (!ctx.fallbacks.has(modelRef(c.provider, c.model), modelRef(e.provider, e.model), ctx.nowMs)) return false;
  // Window-level findings (a failure-rate rise) or failures of fallback attempts; B's own traffic is not the cascade.
  return 2 * (e.windowLevel + e.fallbackAttempts) >= e.count;
}

export const CAUSAL_RULES: readonly CausalRule[] = [
  {
    name: 'provider_state',
    why: 'A provider that is down (outage, overload, no healthy deployment, refused connections or keys) also times out, slows down and rate-limits, on every model it serves.',
    weight: 0.6,
    causes: DOWN,
    effects: PROVIDER_TROUBLE,
    scope: sameProvider,
  },
  {
    name: 'latency_state',
    why: 'Timeouts are the far end of a latency degradation on the same model: one slowdown.',
    weight: 0.5,
    causes: ['provider_slow'],
    effects: ['provider_slow'],
    scope: sameModel,
  },
  {
    name: 'rate_limit_exhaustion',
    why: 'Headroom running low and 429s on one model are the same exhausted limit; the 429s are the failure, the low headroom its warning.',
    weight: 0.6,
    causes: ['provider_limit'],
    causeSubtypes: ['rate_limited'],
    effects: ['provider_limit'],
    effectSubtypes: ['rate_limit_headroom_low'],
    scope: sameModel,
  },
  {
    name: 'fallback',
    why: "A primary model that fails sends its requests to the fallback model: the fallback's weaker answers, extra cost and own limits are the primary's doing.",
    weight: 0.7,
    causes: PROVIDER_TROUBLE,
    effects: EVERY_SYMPTOM,
    scope: onFallback,
  },
  {
    name: 'retry_amplification',
    why: 'Refused or failing calls are retried: a retry storm follows rate limiting or an outage on the same provider, and the retries cost money.',
    weight: 0.6,
    causes: PROVIDER_TROUBLE,
    effects: ['retry'],
    scope: (c, e, ctx) => sameProvider(c, e) || sameScope(c, e, ctx),
  },
  {
    name: 'retry_cost',
    why: 'A retry storm pays for every retry: the spend or token spike of the same provider or team is its cost.',
    weight: 0.6,
    causes: ['retry'],
    effects: ['cost_surge'],
    scope: (c, e, ctx) => sameProvider(c, e) || sameScope(c, e, ctx),
  },
  {
    name: 'volume_surge',
    why: 'A surge of traffic shows first as a spend or token spike and then exhausts the rate limit of the model it hits (rate-limited calls cost nothing, so the spike cannot be their effect).',
    weight: 0.5,
    causes: ['cost_surge'],
    effects: ['provider_limit'],
    scope: sameModel,
  },
  {
    name: 'attack_effects',
    why: 'Injected instructions make the model answer at length (tokens, spend) and off task (quality) for the team or route under attack.',
    weight: 0.6,
    causes: ['attack'],
    effects: ['cost_surge', 'retry', 'quality'],
    scope: sameScope,
  },
  {
    name: 'campaign',
    why: 'Attacks on the same team, key or route within the window are one campaign, whichever model they reach.',
    weight: 0.5,
    causes: ['attack'],
    effects: ['attack'],
    scope: sameScope,
  },
  {
    name: 'model_update',
    why: 'A provider that starts answering with another model version changes what that model says and how long it talks.',
    weight: 0.7,
    causes: ['model_update'],
    effects: ['quality', 'cost_surge'],
    scope: sameModel,
  },
  {
    name: 'budget',
    why: 'A team over budget is refused; the spend and token spikes of that team are the spending that breached it, one story with the breach as its headline.',
    weight: 0.6,
    causes: ['budget'],
    effects: ['cost_surge', 'retry'],
    scope: (c, e) => shared('team', c, e) !== null || shared('key', c, e) !== null,
  },
  {
    name: 'data_quality',
    why: 'Retrieval that returns stale or drifting documents gives the model worse context: its answers lose faithfulness for the same team or route.',
    weight: 0.5,
    causes: ['data_state', 'data_drift'],
    effects: ['quality'],
    scope: sameScope,
  },
  {
    name: 'provider_behaviour',
    why: 'The same quality failure on several models of one provider at once (safety blocks, refusals) points at the provider, not the models.',
    weight: 0.4,
    causes: ['quality'],
    effects: ['quality'],
    sameSubtype: true,
    scope: sameProvider,
  },
];

/** Whether the rule lets cause → effect (classes, subtypes, scope). */
export function ruleApplies(rule: CausalRule, cause: KindFacts & { subtype: string }, effect: KindFacts, ctx: RuleContext): boolean {
  if (!rule.causes.includes(cause.cls) || !rule.effects.includes(effect.cls)) return false;
  if (rule.causeSubtypes && !rule.causeSubtypes.includes(cause.subtype)) return false;
  if (rule.effectSubtypes && !rule.effectSubtypes.includes(effect.subtype)) return false;
  if (rule.sameSubtype && cause.subtype !== effect.subtype) return false;
  return rule.scope(cause, effect, ctx);
}
