// `replay --check`: compares what a replay detected with a scenario's declared expectations.
// A detection passes when an episode (or incident) of its kind exists (for a detection, failing
// that, an episode of secondary matches on other events), reached at least its
// severity, and was detected within its MTTD bound; an absence passes when no event matches.
// Pending expectations (capabilities not yet in the pipeline) are listed, never evaluated.
import type { FailureEvent } from '../../core/model/failure-event.ts';
import type { FailureImpact } from '../../core/model/impact.ts';
import type { FaultTruth, GroundTruth } from '../simulate/ground-truth.ts';
import type { PredictedFailure } from '../../core/model/prediction.ts';
import type { Absence, Detection, ImpactBound, Scenario, SloPage } from '../simulate/scenario-schema.ts';
import { checkCorrelations, type CorrelationSummary } from './correlations.ts';
import { formatDuration, formatOffset, SEVERITY_RANK, type Detected } from './timeline.ts';

export interface CheckResult {
  passed: number;
  failed: number;
  lines: string[];
  pending: string[];
  /** Whether every `correlations:` expectation held (the declared roots were found); null when none was checked. */
  correlationsHeld: boolean | null;
}

export function checkExpectations(
  scenario: Scenario,
  found: {
    episodes: Detected[];
    secondary?: Detected[];
    incidents: Detected[];
    hasIncidents: boolean;
    events: readonly FailureEvent[];
    /** null: no correlator in the pipeline. */
    correlations?: CorrelationSummary | null;
    /** Whether the pipeline evaluates SLOs (an slo processor). */
    hasSlo?: boolean;
    /** The latest impact of each incident, when the pipeline has an impact processor. */
    impacts?: readonly FailureImpact[];
    /** What the simulator counted, for a simulated scenario. */
    truth?: GroundTruth | null;
    /** Final versions of the predictions; null when the pipeline has no predictor. */
    predictions?: readonly PredictedFailure[] | null;
  },
  firstFailureMs: number | null,
): CheckResult {
  const result: CheckResult = { passed: 0, failed: 0, lines: [], pending: [], correlationsHeld: null };
  const record = (ok: boolean, line: string) => {
    if (ok) result.passed++;
    else result.failed++;
    result.lines.push(`  ${ok ? 'ok  ' : 'MISS'}  ${line}`);
  };
  for (const d of scenario.expectations.detections) {
    // A call has one primary event; what else was found on it (its secondary matches) counts too.
    const primary = found.episodes.some((c) => sameKind(d, c));
    const verdict = judge(d, primary ? found.episodes : (found.secondary ?? []), firstFailureMs);
    record(verdict.ok, verdict.line);
  }
  for (const d of scenario.expectations.incidents) {
    if (!found.hasIncidents) {
      result.pending.push(`incident ${label(d)}: needs an incidents processor in the pipeline`);
      continue;
    }
    const verdict = judge(d, found.incidents, firstFailureMs);
    record(verdict.ok, `incident ${verdict.line}`);
  }
  const startMs = Date.parse(scenario.start);
  for (const a of scenario.expectations.absent) {
    const hits = found.events.filter((e) => matchesAbsence(a, e, startMs));
    const what = `no ${[a.category ?? '*', a.subtype ?? '*'].join('/')}${a.provider ? ` from ${a.provider}` : ''}${during(a)}`;
    record(
      hits.length === 0,
      hits.length === 0
        ? what
        : `${what}: ${hits.length} event${hits.length === 1 ? '' : 's'}, first ${hits[0].category}/${hits[0].subtype} ${hits[0].provider} at ${hits[0].timestamp}${a.why ? ` (${a.why})` : ''}`,
    );
  }
  const expected = scenario.expectations.correlations;
  if (expected.length > 0 && !found.correlations) {
    for (const c of expected)
      result.pending.push(`correlation rooted at ${c.root.category}/${c.root.subtype ?? '*'}: needs a correlator in the pipeline`);
  } else if (found.correlations) {
    const verdicts = checkCorrelations(expected, found.correlations, found.events, firstFailureMs);
    for (const verdict of verdicts) record(verdict.ok, verdict.line);
    if (verdicts.length > 0) result.correlationsHeld = verdicts.every((v) => v.ok);
  }
  for (const b of scenario.expectations.impact) {
    if (!found.impacts || found.impacts.length === 0 || !found.truth) {
      result.pending.push(
        `impact ${b.category ?? '*'}/${b.subtype ?? '*'}: needs an impact processor in the pipeline and a simulated scenario`,
      );
      continue;
    }
    for (const line of checkImpact(b, found.impacts, found.truth)) record(line.ok, line.text);
  }
  const pages = scenario.expectations.slo_pages;
  if (pages !== undefined && !found.hasSlo) result.pending.push('slo_pages: needs an slo processor in the pipeline');
  else if (pages !== undefined) checkSloPages(pages, firstPages(found.events), firstFailureMs, record);
  const e = scenario.expectations;
  if (!found.predictions) {
    for (const p of e.predictions) result.pending.push(`prediction ${p.failure_type}: needs a predictor in the pipeline`);
    for (const p of e.no_predictions) result.pending.push(`no prediction ${p.failure_type ?? '*'}: needs a predictor in the pipeline`);
  } else {
    for (const x of e.predictions) {
      const hits = found.predictions.filter(
        (p) =>
          p.status === 'confirmed' &&
          p.failure_type === x.failure_type &&
          (x.provider === undefined || p.provider === x.provider) &&
          (x.model === undefined || p.model === x.model),
      );
      const best = hits.reduce<number | null>((m, p) => (p.lead_secs !== null && (m === null || p.lead_secs > m) ? p.lead_secs : m), null);
      const what = `prediction ${x.failure_type}${x.provider ? ` ${x.provider}` : ''}${x.model ? ` ${x.model}` : ''}`;
      if (best === null) record(false, `${what}: not predicted before the failure${x.why ? ` (${x.why})` : ''}`);
      else
        record(
          best >= x.min_lead_secs,
          `${what}: lead ${Math.round(best)}s (≥ ${x.min_lead_secs}s)${best < x.min_lead_secs && x.why ? ` (${x.why})` : ''}`,
        );
    }
    for (const x of e.no_predictions) {
      const hits = found.predictions.filter(
        (p) =>
          p.status !== 'missed' &&
          p.score >= x.min_score &&
          (x.failure_type === undefined || p.failure_type === x.failure_type) &&
          (x.provider === undefined || p.provider === x.provider),
      );
      const what = `no prediction ${x.failure_type ?? '*'}${x.provider ? ` from ${x.provider}` : ''}${x.min_score > 0 ? ` at score ≥ ${x.min_score}` : ''}`;
      record(
        hits.length === 0,
        hits.length === 0 ? what : `${what}: ${hits.length}, first ${hits[0].failure_type} ${hits[0].provider} score ${hits[0].score}`,
      );
    }
  }
  for (const p of scenario.pending_expectations) result.pending.push(`${label(p)}: needs ${p.needs}`);
  return result;
}

/** The first page of each SLO: its first slo_burn event from an alert of severity page. */
export function firstPages(events: readonly FailureEvent[]): Map<string, { atMs: number; alert: string }> {
  const out = new Map<string, { atMs: number; alert: string }>();
  for (const e of events) {
    if (e.subtype !== 'slo_burn' || e.evidence.alert_severity !== 'page' || typeof e.evidence.slo !== 'string') continue;
    const atMs = Date.parse(e.timestamp);
    const cur = out.get(e.evidence.slo);
    if (!cur || atMs < cur.atMs) out.set(e.evidence.slo, { atMs, alert: String(e.evidence.alert) });
  }
  return out;
}

function checkImpact(b: ImpactBound, impacts: readonly FailureImpact[], truth: GroundTruth): { ok: boolean; text: string }[] {
  const kind = `${b.category ?? '*'}/${b.subtype ?? '*'}${b.provider ? ` ${b.provider}` : ''}`;
  const ofKind = (type: FailureImpact['subject_type']) =>
    impacts.filter(
      (i) =>
        i.subject_type === type &&
        (b.subtype !== undefined ? i.subtype === b.subtype : i.subtype !== 'slo_burn') &&
        (b.category === undefined || i.category === b.category) &&
        (!b.provider || i.provider === b.provider),
    );
  // A fault's failures may split over several incidents (one per model) that share requests and
  // users; the cluster rooted at the fault counts each once, so it is compared when there is one.
  const clusters = ofKind('cluster');
  const matching = clusters.length > 0 ? clusters : ofKind('incident');
  const out: { ok: boolean; text: string }[] = [];
  const measures = [
    {
      bound: b.requests,
      name: 'requests',
      actual: matching.reduce((s, i) => s + i.user_impact.requests, 0),
      truth: (f: FaultTruth) => f.failed_requests,
    },
    {
      bound: b.users,
      name: 'users',
      actual: Math.max(0, ...matching.map((i) => i.user_impact.users)),
      truth: (f: FaultTruth) => f.failed_users,
    },
    {
      bound: b.wasted_usd,
      name: 'wasted $',
      actual: matching.reduce((s, i) => s + i.cost_impact.wasted_usd, 0),
      truth: (f: FaultTruth) => f.spent_usd,
    },
  ];
  for (const m of measures) {
    if (!m.bound) continue;
    const fault = truth.faults[m.bound.fault];
    if (!fault) {
      out.push({ ok: false, text: `impact ${kind} ${m.name}: the scenario has no fault ${m.bound.fault}` });
      continue;
    }
    const expected = m.truth(fault);
    const off = expected === 0 ? (m.actual === 0 ? 0 : Infinity) : Math.abs(m.actual - expected) / expected;
    const fmt = (x: number) => (m.name === 'wasted $' ? x.toFixed(6) : String(x));
    const text = `impact ${kind} ${m.name}: ${fmt(m.actual)}, simulator ${fmt(expected)} (${(off * 100).toFixed(1)} % off, ≤ ${m.bound.within * 100} %)`;
    out.push({
      ok: matching.length > 0 && off <= m.bound.within,
      text: matching.length > 0 ? text : `impact ${kind}: no such incident${b.why ? ` (${b.why})` : ''}`,
    });
  }
  return out;
}

function checkSloPages(
  expected: readonly SloPage[],
  paged: Map<string, { atMs: number; alert: string }>,
  firstFailureMs: number | null,
  record: (ok: boolean, line: string) => void,
): void {
  for (const p of expected) {
    const page = paged.get(p.slo);
    if (p.may_page) {
      record(true, `slo page ${p.slo}: ${page ? `paged (${page.alert})` : 'did not page'}, either allowed${p.why ? ` (${p.why})` : ''}`);
      continue;
    }
    if (!page) {
      record(false, `slo page ${p.slo}: never paged${p.why ? ` (${p.why})` : ''}`);
      continue;
    }
    const afterMs = firstFailureMs === null ? null : page.atMs - firstFailureMs;
    const late = p.within_secs !== undefined && afterMs !== null && afterMs > p.within_secs * 1000;
    const when = afterMs === null ? 'paged' : `paged ${formatDuration(afterMs)} after the first failure`;
    record(!late, `slo page ${p.slo}: ${when} (${page.alert})${late ? `, expected within ${p.within_secs}s` : ''}`);
  }
  const unexpected = [...paged].filter(([slo]) => !expected.some((p) => p.slo === slo));
  if (unexpected.length === 0) record(true, `no other SLO paged`);
  else
    for (const [slo, page] of unexpected)
      record(false, `slo page ${slo}: paged (${page.alert}) at ${new Date(page.atMs).toISOString()}, expected no page`);
}

function judge(d: Detection, candidates: readonly Detected[], firstFailureMs: number | null): { ok: boolean; line: string } {
  const matching = candidates.filter((c) => sameKind(d, c));
  if (matching.length === 0) return { ok: false, line: `${label(d)}: not detected${d.why ? ` (${d.why})` : ''}` };
  const first = matching[0];
  const mttdMs = firstFailureMs === null ? null : first.detectedAtMs - firstFailureMs;
  const worst = matching.reduce((s, c) => (SEVERITY_RANK[c.severity] < SEVERITY_RANK[s] ? c.severity : s), matching[0].severity);
  const problems: string[] = [];
  if (d.within_secs !== undefined && mttdMs !== null && mttdMs > d.within_secs * 1000)
    problems.push(`detected after ${formatDuration(mttdMs)}, expected within ${d.within_secs}s`);
  if (d.severity !== undefined && first.secondaryOf)
    problems.push(`found only as a secondary match of ${first.secondaryOf}, which has no severity of its own`);
  else if (d.severity !== undefined && SEVERITY_RANK[worst] > SEVERITY_RANK[d.severity])
    problems.push(`reached ${worst}, expected ${d.severity} or more severe`);
  const facts = `${mttdMs === null ? 'detected' : `MTTD ${formatDuration(mttdMs)}`}${d.within_secs !== undefined ? ` (≤ ${d.within_secs}s)` : ''}, ${first.secondaryOf ? `secondary on ${first.secondaryOf} events` : `${worst}${d.severity ? ` (≥ ${d.severity})` : ''}`}`;
  if (problems.length > 0) return { ok: false, line: `${label(d)}: ${problems.join('; ')}${d.why ? ` (${d.why})` : ''}` };
  return { ok: true, line: `${label(d)}: ${facts}` };
}

const sameKind = (d: Detection, c: Detected): boolean =>
  c.category === d.category &&
  c.subtype === d.subtype &&
  (d.provider === undefined || c.provider === d.provider) &&
  (d.model === undefined || c.model === d.model);

/**
 * An absence is about what the detectors find. An SLO burn is the budget's view of those findings
 * (a goodput burn in the provider category when answers fail quality checks), so it counts only
 * for an absence that names slo_burn; slo_pages: says which SLOs may page.
 */
function matchesAbsence(a: Absence, e: FailureEvent, startMs: number): boolean {
  if (e.subtype === 'slo_burn' && a.subtype !== 'slo_burn') return false;
  const at = (Date.parse(e.timestamp) - startMs) / 1000;
  return (
    (a.category === undefined || e.category === a.category) &&
    (a.subtype === undefined || e.subtype === a.subtype) &&
    (a.provider === undefined || e.provider === a.provider) &&
    (a.from_secs === undefined || at >= a.from_secs) &&
    (a.until_secs === undefined || at < a.until_secs)
  );
}

function during(a: Absence): string {
  if (a.from_secs === undefined && a.until_secs === undefined) return '';
  const at = (s: number | undefined, edge: string) => (s === undefined ? edge : formatOffset(s * 1000));
  return ` between ${at(a.from_secs, 'the first span')} and ${at(a.until_secs, 'the end')}`;
}

function label(d: Detection): string {
  return `${d.category}/${d.subtype}${d.provider ? ` ${d.provider}` : ''}${d.model ? ` ${d.model}` : ''}`;
}
