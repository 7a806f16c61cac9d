// The running impact of an incident or a cluster: its members' contributions added up, each
// failure once. Requests, users and teams are counted distinct (raw user ids stay in memory, only
// counts go out); money and budget are sums; a budget's overage counts once per budget scope.
// A subject restored from the store continues from its stored counts (its member sets are gone, so
// later members add to them: an upper bound for requests, as the incidents processor's counts).
import type { FailureImpact, ImpactSubject } from '../../agent/core/model/impact.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import type { Contribution } from './contribution.ts';
import { createIsoText, type IsoText } from './iso-time.ts';

/** Members remembered per subject for counting each once; past it every new member counts. */
const MAX_TRACKED = 100_000;

export interface Subject {
  readonly type: Exclude<ImpactSubject, 'failure'>;
  readonly id: string;
  revision: number;
  open: boolean;
  category: FailureImpact['category'];
  subtype: string;
  severity: Severity;
  provider: string;
  model: string | null;
  firstMs: number;
  lastMs: number;
  readonly members: Set<string>;
  failures: number;
  readonly requestSet: Set<string>;
  /** Requests counted beyond the set (window-level members, restored counts, overflow). */
  extraRequests: number;
  /**
   * Requests its window-level members reported (an SLO burn's bad requests, a provider state change's
   * failed calls): at least this many were affected. A floor, not added to the requests counted one by
   * one: those windows summarise calls whose own failures are members too.
   */
  windowRequests: number;
  /** Users its window-level members reported (distinct over their window): at least this many. */
  windowUsers: number;
  readonly userSet: Set<string>;
  extraUsers: number;
  readonly teamSet: Set<string>;
  extraTeams: number;
  readonly endUserSet: Set<string>;
  extraEndUsers: number;
  spent: number;
  wasted: number;
  failed: number;
  retry: number;
  fallbackExtra: number;
  readonly overage: Map<string, number>;
  readonly sla: Map<string, { bad: number; consumed: number }>;
  readonly routes: Set<string | null>;
  readonly modelKeys: Set<string>;
  /** The ISO text of firstMs and lastMs, as last put out. */
  readonly firstAt: IsoText;
  readonly lastAt: IsoText;
}

export function createSubject(
  type: Subject['type'],
  id: string,
  about: Pick<Subject, 'category' | 'subtype' | 'severity' | 'provider' | 'model' | 'firstMs' | 'lastMs'>,
): Subject {
  return {
    type,
    id,
    revision: 0,
    open: true,
    ...about,
    members: new Set(),
    failures: 0,
    requestSet: new Set(),
    extraRequests: 0,
    windowRequests: 0,
    windowUsers: 0,
    userSet: new Set(),
    extraUsers: 0,
    teamSet: new Set(),
    extraTeams: 0,
    endUserSet: new Set(),
    extraEndUsers: 0,
    spent: 0,
    wasted: 0,
    failed: 0,
    retry: 0,
    fallbackExtra: 0,
    overage: new Map(),
    sla: new Map(),
    routes: new Set(),
    modelKeys: new Set(),
    firstAt: createIsoText(),
    lastAt: createIsoText(),
  };
}

/** Adds a member; false when it was already counted. */
export function addMember(s: Subject, c: Contribution, modelKey: string): boolean {
  if (s.members.has(c.failureId)) return false;
  if (s.members.size < MAX_TRACKED) s.members.add(c.failureId);
  s.failures++;
  s.firstMs = Math.min(s.firstMs, c.ms);
  s.lastMs = Math.max(s.lastMs, c.ms);
  if (c.request === null) {
    s.windowRequests += c.windowRequests;
    s.windowUsers = Math.max(s.windowUsers, c.windowUsers);
  } else s.extraRequests += track(s.requestSet, c.request);
  s.extraUsers += track(s.userSet, c.user);
  s.extraTeams += track(s.teamSet, c.team);
  s.extraEndUsers += track(s.endUserSet, c.endUser);
  s.spent += c.spent;
  s.wasted += c.ownWaste + c.episodeWaste;
  s.failed += c.failed;
  s.retry += c.retry;
  s.fallbackExtra += c.fallbackExtra;
  if (c.overage) s.overage.set(c.overage.scope, Math.max(s.overage.get(c.overage.scope) ?? 0, c.overage.usd));
  for (const [slo, share] of c.sla) addSla(s, slo, share.bad, share.consumed);
  if (c.request !== null || c.route !== null) s.routes.add(c.route);
  s.modelKeys.add(modelKey);
  c.subjects.add(s);
  return true;
}

/** Tracks a distinct value; 1 when it counts beyond the set (the set is full), else 0. */
function track<T>(set: Set<T>, value: T | null): number {
  if (value === null || set.has(value)) return 0;
  if (set.size >= MAX_TRACKED) return 1;
  set.add(value);
  return 0;
}

export function addSla(s: Subject, slo: string, bad: number, consumed: number): void {
  const cur = s.sla.get(slo);
  if (cur) {
    cur.bad += bad;
    cur.consumed += consumed;
  } else s.sla.set(slo, { bad, consumed });
}

export const requestsOf = (s: Subject) => Math.max(s.requestSet.size + s.extraRequests, s.windowRequests);
export const usersOf = (s: Subject) => Math.max(s.userSet.size + s.extraUsers, s.windowUsers);
export const teamsOf = (s: Subject) => s.teamSet.size + s.extraTeams;
export const endUsersOf = (s: Subject) => s.endUserSet.size + s.extraEndUsers;
export const overageOf = (s: Subject) => [...s.overage.values()].reduce((a, b) => a + b, 0);

/** A subject read back from its stored impact: counts continue from there. */
export function restoreSubject(i: FailureImpact): Subject {
  const s = createSubject(i.subject_type as Subject['type'], i.subject_id, {
    category: i.category,
    subtype: i.subtype,
    severity: i.severity,
    provider: i.provider,
    model: i.model,
    firstMs: Date.parse(i.first_seen_at),
    lastMs: Date.parse(i.last_seen_at),
  });
  s.revision = i.revision;
  s.failures = i.failures;
  s.extraRequests = i.user_impact.requests;
  s.extraUsers = i.user_impact.users;
  s.extraTeams = i.user_impact.teams;
  s.extraEndUsers = i.user_impact.end_users;
  s.spent = i.cost_impact.spent_usd;
  s.wasted = i.cost_impact.wasted_usd;
  s.failed = i.cost_impact.failed_usd;
  s.retry = i.cost_impact.retry_usd;
  s.fallbackExtra = i.cost_impact.fallback_extra_usd;
  if (i.cost_impact.overage_usd > 0) s.overage.set('restored', i.cost_impact.overage_usd);
  for (const x of i.sla_impact) s.sla.set(x.slo, { bad: x.bad_events, consumed: x.budget_consumed });
  return s;
}
