// The recent bad requests of one SLO, in arrival order: who they hit and which failures caused
// them, so a burn event can count its users and teams and link the failures that burnt the budget.
// Bounded: the oldest are forgotten past MAX_ENTRIES (user ids stay in memory only).

const MAX_ENTRIES = 20_000;

interface Entry {
  ms: number;
  user: string | null;
  team: string | null;
  failures: readonly { failure_id: string; occurred_at: string }[];
}

export interface RecentBad {
  add(ms: number, user: string | null, team: string | null, failures: readonly { failure_id: string; occurred_at: string }[]): void;
  /** Bad requests, distinct users and teams after fromMs. */
  since(fromMs: number): { requests: number; users: number; teams: number };
  /** The most recent failures after fromMs, at most max, oldest first. */
  failuresSince(fromMs: number, max: number): { failure_id: string; occurred_at: string }[];
}

export function createRecentBad(): RecentBad {
  let entries: Entry[] = [];
  return {
    add(ms, user, team, failures) {
      entries.push({ ms, user, team, failures });
      if (entries.length > MAX_ENTRIES * 1.5) entries = entries.slice(entries.length - MAX_ENTRIES);
    },
    since(fromMs) {
      let requests = 0;
      const users = new Set<string>();
      const teams = new Set<string>();
      for (const e of entries) {
        if (e.ms <= fromMs) continue;
        requests++;
        if (e.user !== null) users.add(e.user);
        if (e.team !== null) teams.add(e.team);
      }
      return { requests, users: users.size, teams: teams.size };
    },
    failuresSince(fromMs, max) {
      const out: { failure_id: string; occurred_at: string }[] = [];
      for (let i = entries.length - 1; i >= 0 && out.length < max; i--) {
        const e = entries[i];
        if (e.ms <= fromMs) continue;
        for (const f of e.failures) if (out.length < max) out.push(f);
      }
      return out.reverse();
    },
  };
}
