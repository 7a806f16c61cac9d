// Whether a processor works for the whole fleet (from every agent's rows in the database, on the
// lease holder) or for its own agent. `auto` is fleet when the agent runs live with a database and
// a lease; classify and replay, which have none, always work for themselves.
import type { ComponentContext } from './component.ts';
import type { Database } from './database.ts';

export type FleetScope = 'auto' | 'agent' | 'fleet';

/**
 * The database to work fleet-wide from, or null to work on this agent's own data. Throws when
 * `fleet` is asked for without a database; `what` says what the processor does from it.
 */
export function fleetDatabase(scope: FleetScope, ctx: ComponentContext, what: string): Database | null {
  const fleet = scope === 'fleet' || (scope === 'auto' && ctx.mode === 'live' && ctx.database !== null && ctx.leadership.scope === 'lease');
  if (!fleet) return null;
  if (ctx.database === null)
    throw new Error(`${ctx.id}: scope: fleet ${what} from the database; add a storage: section or use scope: agent.`);
  return ctx.database;
}
