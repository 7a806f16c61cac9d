// Which agent of a fleet does the fleet-wide work (incident grouping, notifications, retention, and
// any processor that must compute once for all agents: correlation, baseline merging, SLOs). The
// store implements it with a lease row in PostgreSQL (agent/store/lease.ts); an agent without a
// shared database is its own fleet and always leads. How to use it, and what happens to work in
// flight when the lease changes hands: docs/fleet.md.
import { hostname } from 'node:os';
import type pg from 'pg';

export interface Leadership {
  /** 'solo': this process is the whole fleet (no database, offline runs); 'lease': elected through PostgreSQL. */
  readonly scope: 'solo' | 'lease';
  /** This agent's name in the lease (the agent instance id). */
  readonly holder: string;
  /** True while this agent holds the lease, counted conservatively from when its last renewal was sent. */
  isLeader(): boolean;
  /** The lease's epoch while this agent leads, else null (always null when solo). Work keeps the epoch it started under. */
  epoch(): number | null;
  /**
   * Inside a transaction on `client`: throws LeaseLostError unless this agent still holds the lease
   * at `epoch`, and otherwise holds the lease row until the transaction ends, so no other agent can
   * take the lease before the work commits. Call it first in every fleet-wide write. Solo: no-op.
   */
  fence(client: pg.ClientBase, epoch: number | null): Promise<void>;
  /** Called with the new epoch on gaining the lease, null on losing it. Returns the unsubscribe. */
  onChange(listener: (epoch: number | null) => void): () => void;
}

/** Fleet-wide work computed under an epoch that is no longer this agent's: it must not be written. */
export class LeaseLostError extends Error {
  readonly code = 'FL_LEASE_LOST';
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

/** The leadership of an agent that is alone: it always leads, and nothing needs fencing. */
export function soloLeadership(holder = 'solo'): Leadership {
  return {
    scope: 'solo',
    holder,
    isLeader: () => true,
    epoch: () => null,
    fence: async () => {},
    onChange: () => () => {},
  };
}

/** The name this agent's rows are stored under (agent_instance): its instance in a fleet, its host when alone. */
export function rowOwner(leadership: Leadership): string {
  return leadership.scope === 'lease' ? leadership.holder : hostname();
}
