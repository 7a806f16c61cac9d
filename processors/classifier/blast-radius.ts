// Per kind of failure (category, subtype, provider, model), the requests, users and teams it hit
// within a sliding window of event time. Bounded twice: at most maxKinds kinds (least recently
// seen forgotten first) and at most maxEntries requests per kind (oldest forgotten first).

export interface BlastRadius {
  readonly requests: number;
  readonly users: number;
  readonly teams: number;
}

export interface Occurrence {
  readonly timeMs: number;
  /** Identifies the client request (attempts of one request count once). */
  readonly request: string;
  /** A hash of the user id, never the id itself; null when unknown. */
  readonly user: string | null;
  readonly team: string | null;
}

interface KindWindow {
  /** Ordered by timeMs. */
  entries: Occurrence[];
  head: number;
  requests: Map<string, number>;
  users: Map<string, number>;
  teams: Map<string, number>;
  latestMs: number;
}

export interface BlastRadiusWindow {
  /** Records the occurrence and returns the kind's blast radius in the window, this one included. */
  record(kind: string, occurrence: Occurrence): BlastRadius;
  /** Kinds held (for tests and bounds). */
  size(): number;
}

export function createBlastRadiusWindow(options: { windowMs: number; maxKinds: number; maxEntries: number }): BlastRadiusWindow {
  const kinds = new Map<string, KindWindow>();

  return {
    record(kind, occurrence) {
      let w = kinds.get(kind);
      if (w)
        kinds.delete(kind); // re-inserted below: Map order is least recently seen first
      else w = { entries: [], head: 0, requests: new Map(), users: new Map(), teams: new Map(), latestMs: -Infinity };
      kinds.set(kind, w);
      while (kinds.size > options.maxKinds) kinds.delete(kinds.keys().next().value as string);

      insertInOrder(w, occurrence);
      add(w.requests, occurrence.request);
      if (occurrence.user !== null) add(w.users, occurrence.user);
      if (occurrence.team !== null) add(w.teams, occurrence.team);
      w.latestMs = Math.max(w.latestMs, occurrence.timeMs);

      const cutoff = w.latestMs - options.windowMs;
      while (w.head < w.entries.length && (w.entries[w.head].timeMs < cutoff || w.entries.length - w.head > options.maxEntries)) {
        forget(w, w.entries[w.head]);
        w.head++;
      }
      if (w.head > 1_024 && w.head * 2 > w.entries.length) {
        w.entries = w.entries.slice(w.head);
        w.head = 0;
      }
      return { requests: w.requests.size, users: w.users.size, teams: w.teams.size };
    },
    size: () => kinds.size,
  };
}

function insertInOrder(w: KindWindow, o: Occurrence): void {
  // Spans mostly arrive in event-time order; a late one is placed where it belongs.
  let i = w.entries.length;
  while (i > w.head && w.entries[i - 1].timeMs > o.timeMs) i--;
  w.entries.splice(i, 0, o);
}

function forget(w: KindWindow, o: Occurrence): void {
  remove(w.requests, o.request);
  if (o.user !== null) remove(w.users, o.user);
  if (o.team !== null) remove(w.teams, o.team);
}

function add(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function remove(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}
