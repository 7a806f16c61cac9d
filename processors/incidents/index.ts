// incidents: groups FailureEvents into incidents by fingerprint (category + subtype + provider +
// model by default), and tracks each through opened → updated → escalated → resolved (after a
// quiet period of event time). Expects the classifier upstream; passes events through and appends
// one IncidentUpdate per transition (at most one `updated` per incident per batch) on `incidents`.
import { defineProcessor } from '../../agent/core/component.ts';
import type { Cancel } from '../../agent/core/clock.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import { Category } from '../../agent/core/model/taxonomy.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { selectOpenIncidents } from '../../agent/store/incident-queries.ts';
import { IncidentsConfig } from './config.ts';
import { fingerprintOf, groupFieldsFor } from './fingerprint.ts';
import {
  escalate,
  isMoreSevere,
  joinEvent,
  openIncident,
  restoreLive,
  takeUpdate,
  type IncidentSettings,
  type LiveIncident,
} from './live-incident.ts';
import { runbookUrl } from './runbooks.ts';

export default defineProcessor({
  type: 'incidents',
  description: 'Groups failure events into incidents by fingerprint, with escalation and auto-resolution after a quiet period.',
  configSchema: IncidentsConfig,
  create(config, ctx) {
    /** Open incidents by fingerprint; Map order is least recently seen first. */
    const open = new Map<string, LiveIncident>();
    const settings = Object.fromEntries(
      Category.options.map((c) => [
        c,
        { evidenceSamples: config.evidence_samples, runbookUrl: runbookUrl(c, config.runbooks, config.runbook_base_url) },
      ]),
    ) as Record<Category, IncidentSettings>;
    const settingsFor = (category: Category): IncidentSettings => settings[category];
    let cancelTimer: Cancel | null = null;
    let stopped = false;

    const quietSince = (live: LiveIncident) => live.lastMs + config.quiet_period_ms;

    function resolve(live: LiveIncident, atMs: number, reason: string): IncidentUpdate {
      open.delete(live.incident.fingerprint);
      return takeUpdate(live, 'resolved', atMs, { reason });
    }

    /** Resolutions and escalations due at nowMs, least recently seen incident first. */
    function dueTransitions(nowMs: number): IncidentUpdate[] {
      const out: IncidentUpdate[] = [];
      for (const live of [...open.values()]) {
        // Resolution is dated when the quiet period ended, not when the check noticed it, so a
        // replay resolves at the same instant whatever the check interval.
        if (quietSince(live) <= nowMs) {
          out.push(resolve(live, quietSince(live), 'quiet_period'));
          continue;
        }
        const i = live.incident;
        const escalateAt = Date.parse(i.opened_at) + config.escalation.after_ms;
        if (
          config.escalation.enabled &&
          i.escalated_at === null &&
          i.severity !== 'P1' &&
          i.event_count >= config.escalation.min_events &&
          escalateAt <= nowMs
        ) {
          escalate(live);
          out.push(takeUpdate(live, 'escalated', escalateAt, { reason: 'sustained', after_ms: config.escalation.after_ms }));
        }
      }
      return out;
    }

    // Open incidents of the last run, restored at start; when the database could not be read
    // then (down, or not migrated yet), on each check until it can.
    let restorePending = config.restore && ctx.database !== null;
    const restore = async (): Promise<void> => {
      try {
        const restored = await selectOpenIncidents(ctx.database!);
        // An incident opened here while the store was unreadable wins over its stored twin.
        for (const incident of restored) if (!open.has(incident.fingerprint)) open.set(incident.fingerprint, restoreLive(incident));
        restorePending = false;
        if (restored.length > 0) ctx.logger.info({ open_incidents: restored.length }, 'Restored open incidents from the database.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
      }
    };

    const tick = async () => {
      if (restorePending)
        await restore().catch((err: unknown) => ctx.logger.error({ err }, 'Restoring open incidents failed; retrying at the next check.'));
      const updates = dueTransitions(ctx.clock.now());
      if (updates.length === 0) return;
      try {
        await ctx.emit(createBatch({ incidents: updates }));
      } catch (err) {
        // A timer has nobody to throw to; the steps after this one failed to take the batch.
        ctx.logger.error(
          { err, transitions: updates.length },
          'Passing on resolved or escalated incidents failed; the store and receivers may miss these transitions.',
        );
      }
    };

    return {
      async start() {
        if (restorePending) {
          await restore();
          if (restorePending)
            ctx.logger.warn(
              'The database cannot be read yet: starting with no open incidents restored; they are restored once it can (until then an incident already open may open again).',
            );
        }
        cancelTimer = ctx.scheduler.every(config.check_interval_ms, tick);
      },
      process(batch) {
        const events = batch.events.filter((e) => !isMoreSevere(config.min_severity, e.severity));
        if (events.length === 0) return batch;
        const sorted = events.map((event) => ({ event, ms: Date.parse(event.timestamp) })).sort((a, b) => a.ms - b.ms);
        const updates: IncidentUpdate[] = [];
        const touched = new Map<LiveIncident, 'opened' | 'updated'>();
        for (const { event, ms: eventMs } of sorted) {
          const fp = fingerprintOf(event, groupFieldsFor(event.category, config.group_by, config.group_by_category));
          let live = open.get(fp.key);
          if (live && quietSince(live) <= eventMs) {
            // The check has not run yet, but the incident went quiet before this event: close
            // it first, so a new outage is a new incident whatever the check interval.
            if (touched.has(live)) updates.push(takeUpdate(live, touched.get(live)!, live.lastMs));
            touched.delete(live);
            updates.push(resolve(live, quietSince(live), 'quiet_period'));
            live = undefined;
          }
          if (live) {
            joinEvent(live, event, eventMs, settingsFor(event.category));
            open.delete(fp.key); // re-inserted: most recently seen last
            open.set(fp.key, live);
            if (!touched.has(live)) touched.set(live, 'updated');
          } else {
            live = openIncident(event, fp, settingsFor(event.category));
            open.set(fp.key, live);
            touched.set(live, 'opened');
            while (open.size > config.max_open) {
              const oldest = open.values().next().value as LiveIncident;
              if (touched.has(oldest)) updates.push(takeUpdate(oldest, touched.get(oldest)!, oldest.lastMs));
              touched.delete(oldest);
              updates.push(resolve(oldest, oldest.lastMs, 'capacity'));
            }
          }
        }
        // One transition per incident per batch: `opened` carries everything that joined in the
        // batch that opened it; otherwise one coalesced `updated`.
        for (const [live, kind] of touched) {
          const at = kind === 'opened' ? Date.parse(live.incident.opened_at) : live.lastMs;
          updates.push(takeUpdate(live, kind, at));
        }
        return createBatch({ ...batch, incidents: [...batch.incidents, ...updates] });
      },
      async shutdown() {
        // Open incidents stay open: the store has them and the next start restores them.
        if (stopped) return;
        stopped = true;
        cancelTimer?.();
      },
    };
  },
});
