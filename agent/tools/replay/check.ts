// `replay --check`: compares what a replay detected with a scenario's declared expectations.
// A detection passes when an episode (or incident) of its kind exists (for a detection, failing
// that, an episode of secondary matches on other events), reached at least its
// severity, and was detected within its MTTD bound; an absence passes when no event matches.
// Pending expectations (capabilities not yet in the pipeline) are listed, never evaluated.
import type { FailureEvent } from '../../core/model/failure-event.ts';
import type { Absence, Detection, Scenario } from '../simulate/scenario-schema.ts';
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
  for (const p of scenario.pending_expectations) result.pending.push(`${label(p)}: needs ${p.needs}`);
  return result;
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

function matchesAbsence(a: Absence, e: FailureEvent, startMs: number): boolean {
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
