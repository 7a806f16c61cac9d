// classifier: turns each call's detector signals into at most one FailureEvent (priority security →
// provider → cost → quality → data, the rest in `secondary`), plus one per window-level finding it
// carries (a quality regression), each with a severity from blast radius, recoverability and
// criticality. Expects detectors (and trace_assembler) upstream; appends to the
// events lane and passes calls through unchanged.
import { defineProcessor } from '../../agent/core/component.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import { createFailureEvent, InvalidFailureEventError, type FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { TelemetryItem } from '../../agent/core/model/llm-call.ts';
import { createSampledWarning } from '../../agent/core/sampled-warning.ts';
import { createBlastRadiusWindow } from './blast-radius.ts';
import { draftFailureEvent } from './build-event.ts';
import { indexBatch, readCallFacts } from './call-facts.ts';
import { ClassifierConfig } from './config.ts';
import { createCriticality } from './criticality.ts';
import { createEscalation } from './escalation.ts';
import { verdictsOf, type RankedSignals } from './rank-signals.ts';
import { assessSeverity, raiseOneLevel, type SeverityPolicy } from './severity.ts';

export default defineProcessor({
  type: 'classifier',
  description: 'Turns detector signals into one typed FailureEvent per failed call, with priority, secondary matches and severity.',
  configSchema: ClassifierConfig,
  create(config, ctx) {
    const policy: SeverityPolicy = { blastRadius: config.blast_radius, overrides: config.severity_overrides };
    const isCritical = createCriticality(config.critical_routes, config.critical_teams);
    const window = createBlastRadiusWindow({
      windowMs: config.window_ms,
      maxKinds: config.max_kinds,
      maxEntries: config.max_window_entries,
    });
    const escalation = createEscalation({
      minEvents: config.escalation.min_events,
      minDurationMs: config.escalation.min_duration_ms,
      maxGapMs: config.escalation.max_gap_ms,
      maxKinds: config.max_kinds,
    });
    const warn = createSampledWarning(ctx.logger);
    let invalidEvents = 0;

    /** The FailureEvent for one verdict on a call, or null when it fails validation (counted, warned). */
    const eventFor = (
      item: TelemetryItem,
      index: ReturnType<typeof indexBatch>,
      { primary, secondary }: RankedSignals,
    ): FailureEvent | null => {
      const facts = readCallFacts(item, index, primary.subtype === 'no_healthy_deployment');
      const kind = `${primary.category}/${primary.subtype}/${facts.provider}/${facts.model ?? ''}`;
      const blastRadius = window.record(kind, { timeMs: facts.endMs, request: facts.requestKey, user: facts.userHash, team: facts.team });
      const critical = isCritical(facts.route, facts.team, item.identity.teamAlias);
      const assessed = assessSeverity(primary, { blastRadius, recovery: facts.recovery, critical }, policy);
      // Escalation counts every event of the kind, so a stream is judged on its own length
      // and duration, not on how severe each member happened to be.
      const sustained = escalation.observe(kind, facts.endMs);
      const severity = sustained && assessed.severity !== 'P1' ? raiseOneLevel(assessed.severity) : assessed.severity;
      const reasons: string[] = [...assessed.reasons, ...(sustained && assessed.severity !== 'P1' ? ['sustained'] : [])];
      try {
        return createFailureEvent(
          draftFailureEvent({
            item,
            facts,
            primary,
            secondary,
            severity,
            impact: {
              ...blastRadius,
              team: facts.team,
              route: facts.route,
              recovered: facts.recovery === 'unknown' ? null : facts.recovery === 'recovered',
            },
            severityEvidence: reasons.length > 0 ? { base_severity: assessed.base, severity_reasons: reasons } : {},
          }),
        );
      } catch (err) {
        if (!(err instanceof InvalidFailureEventError)) throw err;
        // A bug upstream (a detector's subtype or field), not bad input: count, warn, drop.
        invalidEvents++;
        warn({ err, invalid_events: invalidEvents, subtype: primary.subtype }, 'Dropped a FailureEvent that failed validation.');
        return null;
      }
    };

    return {
      process(batch) {
        let index: ReturnType<typeof indexBatch> | null = null;
        const events: FailureEvent[] = [];
        for (const item of batch.calls) {
          for (const verdict of verdictsOf(item.signals)) {
            index ??= indexBatch(batch.calls);
            const event = eventFor(item, index, verdict);
            if (event !== null) events.push(event);
          }
        }
        if (events.length === 0) return batch;
        return createBatch({ ...batch, events: [...batch.events, ...events] });
      },
    };
  },
});
