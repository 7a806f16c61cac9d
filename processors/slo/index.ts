// slo: evaluates service level objectives in event time. Counts every client request of the calls
// lane against each SLO's SLI (after trace_assembler, so retries and fallbacks fold into their
// request), evaluates burn rates and budgets every evaluation_interval_ms, and puts out an
// SloUpdate per SLO on the `slos` lane (status, minute counts, the failures that consumed budget)
// plus an slo_burn FailureEvent while a burn-rate alert fires, for the incidents processor.
// In a fleet (agents sharing a database) every agent counts its own requests and stores the minute
// counts; only the lease holder evaluates, over every agent's counts (fleet-view.ts, docs/fleet.md).
import { hostname } from 'node:os';
import { defineProcessor } from '../../agent/core/component.ts';
import type { Cancel } from '../../agent/core/clock.ts';
import { fleetDatabase } from '../../agent/core/fleet-scope.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import {
  SLI_CATEGORY,
  type SloAttribution,
  type SloBucket,
  type SloSpec,
  type SloStatus,
  type SloUpdate,
} from '../../agent/core/model/slo.ts';
import { createSampledWarning } from '../../agent/core/sampled-warning.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { selectSloBuckets } from '../../agent/store/slo-queries.ts';
import { burnEvent } from './burn-event.ts';
import { SloConfig } from './config.ts';
import { createSloCounts, zeroCounts, type SloCounts } from './counts.ts';
import { evaluateSlo, type AlertState } from './evaluate.ts';
import { combinedCounts } from './fleet-counts.ts';
import { createFleetView, type FleetView } from './fleet-view.ts';
import { createRecentBad, type RecentBad } from './recent-bad.ts';
import { requestsOf } from '../../agent/core/model/client-requests.ts';
import { covers, judge } from './sli.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

interface LiveSlo {
  readonly spec: SloSpec;
  readonly counts: SloCounts;
  readonly alerts: Map<string, AlertState>;
  /** Minutes whose counts changed since the last update put out. */
  readonly dirty: Set<number>;
  readonly recentBad: RecentBad;
  latest: SloStatus | null;
  /** Event time of the last burn event: failures linked up to it are not linked again. */
  lastBurnMs: number | null;
}

export default defineProcessor({
  type: 'slo',
  description:
    'Evaluates SLOs (availability, goodput, latency, hallucination and refusal rate, cost per answer) with multi-window burn-rate alerts.',
  configSchema: SloConfig,
  create(config, ctx) {
    const fleetDb = fleetDatabase(config.scope, ctx, "evaluates every agent's counts");
    // In a fleet each agent's counts are its own rows (agents on one host share a hostname); a
    // restarted agent's old rows stay in the leader's sums as another agent's.
    const instance = fleetDb !== null ? ctx.leadership.holder : hostname();
    const fleet: FleetView | null =
      fleetDb !== null && config.objectives.length > 0
        ? createFleetView(config.objectives, instance, ctx.leadership, fleetDb, ctx.logger)
        : null;
    const slos: LiveSlo[] = config.objectives.map((spec) => ({
      spec,
      counts: createSloCounts(spec.window_days * DAY_MS),
      alerts: new Map(),
      dirty: new Set(),
      recentBad: createRecentBad(),
      latest: null,
      lastBurnMs: null,
    }));
    const warn = createSampledWarning(ctx.logger);
    let tooLate = 0;
    let cancelTimer: Cancel | null = null;
    let stopped = false;

    const updateOf = (slo: LiveSlo, atMs: number, status: SloStatus | null, attributions: SloAttribution[]): SloUpdate => ({
      slo: slo.spec.name,
      service: slo.spec.service,
      sli: slo.spec.sli.kind,
      category: SLI_CATEGORY[slo.spec.sli.kind],
      objective: slo.spec.objective,
      window_days: slo.spec.window_days,
      agent_instance: instance,
      at: new Date(atMs).toISOString(),
      status,
      buckets: takeDirty(slo),
      attributions,
    });

    /** The changed minutes' whole counts, and forgets that they changed. */
    function takeDirty(slo: LiveSlo): SloBucket[] {
      const out: SloBucket[] = [];
      for (const m of [...slo.dirty].sort((a, b) => a - b)) {
        const c = slo.counts.minute(m * MINUTE_MS);
        if (c) out.push({ start: new Date(m * MINUTE_MS).toISOString(), ...c });
      }
      slo.dirty.clear();
      return out;
    }

    /** Bad events the SLO window may hold, as of the latest evaluation (or now, before the first). */
    const budgetEventsOf = (slo: LiveSlo, nowMs: number): number =>
      (slo.latest ?? evaluateSlo(slo.spec, slo.counts, [], new Map(), config.min_bad_events, nowMs).status).budget_events;

    function evaluate(nowMs: number): { events: FailureEvent[]; slos: SloUpdate[] } {
      const events: FailureEvent[] = [];
      const updates: SloUpdate[] = [];
      const leading = fleet === null || ctx.leadership.epoch() !== null;
      for (const slo of slos) {
        const others = fleet?.others(slo.spec.name);
        const counts = others ? combinedCounts(slo.counts, others.counts) : slo.counts;
        if (!leading) {
          // Not the fleet's evaluator: the minute counts go out for the leader; no status, no alert.
          slo.alerts.clear();
          slo.latest = fleet!.leaderStatus(slo.spec.name) ?? evaluateSlo(slo.spec, counts, [], new Map(), 0, nowMs).status;
          updates.push(updateOf(slo, nowMs, null, []));
          continue;
        }
        const { status, firing } = evaluateSlo(slo.spec, counts, config.alerts, slo.alerts, config.min_bad_events, nowMs);
        slo.latest = status;
        updates.push(updateOf(slo, nowMs, status, []));
        const top = firing[0];
        if (!top) continue;
        const since = slo.lastBurnMs ?? nowMs - top.spec.long_window_ms;
        const window = slo.recentBad.since(nowMs - top.spec.long_window_ms);
        events.push(
          burnEvent({
            spec: slo.spec,
            alert: top.spec,
            alertStatus: top.status,
            status,
            nowMs,
            newBadRequests: slo.recentBad.since(since).requests,
            users: window.users,
            teams: window.teams,
            burntBy: slo.recentBad.failuresSince(Math.max(since, nowMs - top.spec.long_window_ms), config.max_linked_failures),
          }),
        );
        slo.lastBurnMs = nowMs;
      }
      return { events, slos: updates };
    }

    let restorePending = config.restore && ctx.database !== null && slos.length > 0 && fleet === null;
    const restore = async (): Promise<void> => {
      try {
        const nowMs = ctx.clock.now();
        for (const slo of slos) {
          const since = new Date(nowMs - slo.spec.window_days * DAY_MS).toISOString();
          for (const b of await selectSloBuckets(ctx.database!, slo.spec.name, instance, since)) {
            const { start, ...counts } = b;
            slo.counts.restoreMinute(Date.parse(start), counts);
          }
        }
        restorePending = false;
        ctx.logger.info({ slos: slos.length }, 'Restored SLO counts from the database.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
      }
    };

    const tick = async () => {
      if (restorePending)
        await restore().catch((err: unknown) => ctx.logger.error({ err }, 'Restoring SLO counts failed; retrying at the next evaluation.'));
      const nowMs = ctx.clock.now();
      await fleet?.sync(nowMs);
      const out = evaluate(nowMs);
      if (out.slos.length === 0) return;
      try {
        await ctx.emit(createBatch(out));
      } catch (err) {
        ctx.logger.error({ err, slos: out.slos.length }, 'Passing on SLO evaluations failed; the store and alerting may miss them.');
      }
    };

    return {
      async start() {
        if (restorePending) {
          await restore();
          if (restorePending) ctx.logger.warn('The database cannot be read yet: SLO windows start empty and are restored once it can.');
        }
        if (slos.length > 0) cancelTimer = ctx.scheduler.every(config.evaluation_interval_ms, tick);
      },
      process(batch) {
        if (slos.length === 0) return batch;
        const requests = requestsOf(batch);
        if (requests.length === 0) return batch;
        const nowMs = ctx.clock.now();
        const updates: SloUpdate[] = [];
        for (const slo of slos) {
          const attributions: SloAttribution[] = [];
          let budgetEvents: number | null = null;
          for (const r of requests) {
            if (!covers(slo.spec.filters, r)) continue;
            const v = judge(slo.spec.sli, r);
            const delta = zeroCounts();
            delta.total = v.total;
            delta.bad = v.bad;
            delta.bad_requests = v.bad > 0 ? 1 : 0;
            delta.answers = r.answered ? 1 : 0;
            delta.spend_usd = r.spendUsd;
            if (!slo.counts.add(r.endMs, delta)) {
              tooLate++;
              warn({ slo: slo.spec.name, too_late: tooLate }, 'Dropped a request older than the SLO window from SLO counts.');
              continue;
            }
            slo.dirty.add(Math.floor(r.endMs / MINUTE_MS));
            if (v.bad <= 0) continue;
            slo.recentBad.add(r.endMs, r.user, r.team, r.failureIds);
            if (r.failureIds.length === 0) continue;
            budgetEvents ??= budgetEventsOf(slo, nowMs);
            const share = v.bad / r.failureIds.length;
            for (const f of r.failureIds)
              attributions.push({
                failure_id: f.failure_id,
                bad_events: share,
                budget_consumed: budgetEvents > 0 ? share / budgetEvents : 0,
              });
          }
          if (attributions.length > 0) updates.push(updateOf(slo, nowMs, null, attributions));
        }
        if (updates.length === 0) return batch;
        return createBatch({ ...batch, slos: [...batch.slos, ...updates] });
      },
      async shutdown() {
        if (stopped) return;
        stopped = true;
        cancelTimer?.();
        // Minutes counted since the last evaluation, so a restart resumes from them.
        const updates = slos.filter((s) => s.dirty.size > 0).map((s) => updateOf(s, ctx.clock.now(), null, []));
        if (updates.length > 0) await ctx.emit(createBatch({ slos: updates }));
      },
    };
  },
});
