// impact: what each failure, incident and correlation cluster cost — users and traffic share, money
// wasted (failed and retried attempts, rejected answers, cost spikes above the usual), fallback
// premium and budget overage, failed-answer share against the baseline, error budget burnt per SLO
// — and an impact_score ranking them. Runs after incidents (and correlator, slo): reads the calls,
// events, slos, incidents and correlations lanes and appends FailureImpacts on `impacts`.
import { defineProcessor } from '../../agent/core/component.ts';
import { createBatch, laneItems } from '../../agent/core/model/batch.ts';
import { requestsOf } from '../../agent/core/model/client-requests.ts';
import type { FailureImpact } from '../../agent/core/model/impact.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import type { Identity, LlmCall } from '../../agent/core/model/llm-call.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { selectOpenSubjectImpacts } from '../../agent/store/impact-queries.ts';
import { assessFailure, assessSubject, type AssessmentContext } from './assessment.ts';
import { nextAttempts } from './attempts.ts';
import { aboutCluster, readBaselineQuality, readClusterUpdates } from './borrowed-lanes.ts';
import { ImpactConfig } from './config.ts';
import { contributionOf, type Contribution, type SlaShare } from './contribution.ts';
import { feedEpisodes } from './episode-feed.ts';
import { createIsoText, parseIsoTime } from './iso-time.ts';
import { createPrices } from './prices.ts';
import { createSpikeEpisodes } from './spike-episodes.ts';
import { addMember, addSla, createSubject, restoreSubject, type Subject } from './subject.ts';
import { createModelKeys, createTraffic, modelKey } from './traffic.ts';

/** How often a restore the database refused is tried again. */
const RESTORE_RETRY_MS = 30_000;

export default defineProcessor({
  type: 'impact',
  description:
    'Assesses what each failure, incident and cluster cost (users, money, quality, error budget) and ranks them by impact_score.',
  configSchema: ImpactConfig,
  create(config, ctx) {
    const prices = createPrices();
    const traffic = createTraffic(config.history_ms);
    const episodes = createSpikeEpisodes({ baselineMs: config.spike_baseline_ms });
    const modelKeyOf = createModelKeys();
    /** Recent failures by id, oldest first (insertion order), with the revision of their impact and the batch that brought them. */
    const contributions = new Map<string, { c: Contribution; modelKey: string; revision: number; batch: number }>();
    let batches = 0;
    const subjects = new Map<string, Subject>();
    /** Subjects changed since their impact was last put out. */
    const dirty = new Set<Subject>();
    const breached = new Map<string, boolean>();
    const baselineQuality = new Map<string, number>();
    const assessment: AssessmentContext = {
      traffic,
      breached,
      baselineQuality,
      trafficWindowMs: config.traffic_window_ms,
      now: createIsoText(),
    };

    const remember = (c: Contribution, key: string) => {
      contributions.set(c.failureId, { c, modelKey: key, revision: 1, batch: batches });
      while (contributions.size > config.member_memory) contributions.delete(contributions.keys().next().value as string);
    };

    /** The tracked subject, now the most recently changed; undefined when it is new. */
    const touchSubject = (type: Subject['type'], id: string): Subject | undefined => {
      const key = `${type}/${id}`;
      const s = subjects.get(key);
      if (s) {
        subjects.delete(key); // re-inserted: least recently changed first
        subjects.set(key, s);
      }
      return s;
    };

    const trackSubject = (s: Subject): Subject => {
      while (subjects.size >= config.max_subjects) {
        const oldest = subjects.values().next().value as Subject;
        subjects.delete(`${oldest.type}/${oldest.id}`);
      }
      subjects.set(`${s.type}/${s.id}`, s);
      return s;
    };

    function joinMembers(s: Subject, failureIds: readonly string[]): void {
      for (const id of failureIds) {
        const known = contributions.get(id);
        if (known) addMember(s, known.c, known.modelKey);
      }
    }

    function onIncident(u: IncidentUpdate): void {
      const i = u.incident;
      const s =
        touchSubject('incident', i.incident_id) ??
        trackSubject(
          createSubject('incident', i.incident_id, {
            category: i.category,
            subtype: i.subtype,
            severity: i.severity,
            provider: i.provider,
            model: i.model,
            firstMs: parseIsoTime(i.first_seen_at),
            lastMs: parseIsoTime(i.last_seen_at),
          }),
        );
      s.severity = i.severity;
      s.open = i.state === 'open';
      dirty.add(s);
      for (const m of u.new_members) {
        const known = contributions.get(m.failure_id);
        if (known) addMember(s, known.c, known.modelKey);
      }
    }

    let restorePending = config.restore && ctx.database !== null;
    let nextRestoreMs = 0;
    const restore = async (): Promise<void> => {
      try {
        const stored = await selectOpenSubjectImpacts(ctx.database!);
        for (const i of stored) {
          const key = `${i.subject_type}/${i.subject_id}`;
          if (subjects.has(key)) continue;
          const s = restoreSubject(i);
          if (s.provider !== '*') s.modelKeys.add(modelKey(s.provider, s.model));
          subjects.set(key, s);
        }
        restorePending = false;
        if (stored.length > 0) ctx.logger.info({ subjects: stored.length }, 'Restored the impact of open incidents and clusters.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
      }
    };

    return {
      async start() {
        if (restorePending) {
          await restore();
          if (restorePending) ctx.logger.warn('The database cannot be read yet: open incidents are assessed from their next members only.');
        }
      },
      async process(batch) {
        if (restorePending && ctx.clock.now() >= nextRestoreMs) {
          nextRestoreMs = ctx.clock.now() + RESTORE_RETRY_MS;
          await restore().catch((err: unknown) => ctx.logger.error({ err }, 'Restoring impact state failed; retrying in 30 s.'));
        }
        batches++;
        const out: FailureImpact[] = [];

        // Budget burnt per failure, and which SLOs are breached, from the slo processor.
        const sla = new Map<string, Map<string, SlaShare>>();
        for (const u of batch.slos) {
          if (u.status) breached.set(u.slo, u.status.budget_remaining < 0);
          for (const a of u.attributions) {
            let m = sla.get(a.failure_id);
            if (!m) sla.set(a.failure_id, (m = new Map()));
            const cur = m.get(u.slo);
            if (cur) {
              cur.bad += a.bad_events;
              cur.consumed += a.budget_consumed;
            } else m.set(u.slo, { bad: a.bad_events, consumed: a.budget_consumed });
          }
        }
        readBaselineQuality(laneItems(batch, 'baselines'), baselineQuality);

        // Traffic, prices and spike episodes from the calls; by span only the calls events are about.
        const eventSpans = new Set<string>();
        for (const e of batch.events) if (e.span_id !== null) eventSpans.add(e.span_id);
        const llm: LlmCall[] = [];
        const callBySpan = new Map<string, LlmCall>();
        const senderBySpan = new Map<string, Identity>();
        for (const c of batch.calls) {
          const wanted = eventSpans.size > 0 && eventSpans.has(c.source.spanId);
          if (c.kind === 'gateway_request' && wanted) senderBySpan.set(c.source.spanId, c.identity);
          if (c.kind !== 'llm') continue;
          llm.push(c);
          if (wanted) callBySpan.set(c.source.spanId, c);
          const cost = c.cost.totalUsd;
          if (c.outcome === 'ok' && cost !== null && cost > 0)
            prices.observe(
              c.requestModel ?? c.modelGroup ?? 'unknown',
              c.tokens.input,
              c.tokens.output,
              cost,
              c.cost.inputUsd,
              c.cost.outputUsd,
            );
        }
        for (const r of requestsOf(batch)) traffic.record(r.route, r.provider, r.model, r.endMs, r.answered, r.qualitySubtypes);
        const changed = new Map<string, number>();
        if (llm.length > 0) feedEpisodes(episodes, llm, batch.events, callBySpan, changed);

        // Each failure's contribution; then what later findings change (episodes, late budget
        // attributions) reaches earlier failures and their subjects; then the impacts go out.
        const calls: (LlmCall | null)[] = [];
        const failedAttempts: LlmCall[] = [];
        for (const e of batch.events) {
          const call = e.span_id !== null ? (callBySpan.get(e.span_id) ?? null) : null;
          calls.push(call);
          if (call?.attempt && call.outcome === 'error') failedAttempts.push(call);
        }
        const next = nextAttempts(failedAttempts, llm);
        const fresh: { c: Contribution; key: string }[] = [];
        for (let i = 0; i < batch.events.length; i++) {
          const e = batch.events[i];
          const call = calls[i];
          const sender = call === null && e.span_id !== null ? (senderBySpan.get(e.span_id) ?? null) : null;
          const c = contributionOf(e, call, (call && next.get(call)) ?? null, prices, sla.get(e.failure_id) ?? new Map(), sender);
          const key = modelKeyOf(e.provider, e.model);
          remember(c, key);
          fresh.push({ c, key });
        }
        const revised = new Set<string>();
        for (const [failureId, shares] of sla) {
          const known = contributions.get(failureId);
          if (!known || known.batch === batches) continue;
          for (const [slo, share] of shares) {
            const cur = known.c.sla.get(slo);
            if (cur) {
              cur.bad += share.bad;
              cur.consumed += share.consumed;
            } else known.c.sla.set(slo, { ...share });
            for (const subject of known.c.subjects) {
              addSla(subject as Subject, slo, share.bad, share.consumed);
              dirty.add(subject as Subject);
            }
          }
          revised.add(failureId);
        }
        for (const [failureId, waste] of changed) {
          const known = contributions.get(failureId);
          if (!known || known.c.episodeWaste === waste) continue;
          const delta = waste - known.c.episodeWaste;
          known.c.episodeWaste = waste;
          for (const subject of known.c.subjects) {
            (subject as Subject).wasted += delta;
            dirty.add(subject as Subject);
          }
          if (known.batch !== batches) revised.add(failureId);
        }
        for (const { c, key } of fresh) out.push(assessFailure(assessment, c, key, 1));
        for (const failureId of revised) {
          const known = contributions.get(failureId);
          if (!known) continue;
          known.revision++;
          out.push(assessFailure(assessment, known.c, known.modelKey, known.revision));
        }

        // Incidents and clusters: their members' impact, each failure once.
        for (const u of batch.incidents) onIncident(u);
        for (const u of readClusterUpdates(laneItems(batch, 'correlations'))) {
          const s = touchSubject('cluster', u.clusterId) ?? trackSubject(createSubject('cluster', u.clusterId, aboutCluster(u)));
          s.open = u.open;
          dirty.add(s);
          joinMembers(s, u.members);
        }

        const nowMs = ctx.clock.now();
        for (const s of dirty) {
          s.revision++;
          out.push(assessSubject(assessment, s, nowMs));
          if (!s.open) subjects.delete(`${s.type}/${s.id}`);
        }
        dirty.clear();
        if (out.length === 0) return batch;
        return createBatch({ ...batch, impacts: batch.impacts.length === 0 ? out : [...batch.impacts, ...out] });
      },
    };
  },
});
