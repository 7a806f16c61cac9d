// Issue 5's evaluation: `faultline classify --config classify.yaml` on the labelled set
// (test/fixtures/labelled/, 300+ labels over five vocabularies, more than 40% clean with hard near
// misses; windowed cost and data cases carry unscored history) is scored per category against the
// labels; the table is printed and every category must reach its thresholds. Print the same table
// with: npx tsx test/fixtures/labelled/print-scores.ts
import { beforeAll, describe, expect, it } from 'vitest';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { SUBTYPES, type Category } from '../../../agent/core/model/taxonomy.ts';
import { VOCABULARIES } from '../../fixtures/labelled/call-spans.ts';
import type { Label } from '../../fixtures/labelled/labelled-case.ts';
import { classifyLabelledSet } from '../../fixtures/labelled/print-scores.ts';
import { renderScores, type Scores } from '../../fixtures/labelled/score.ts';
import { cardNumber, iban, SECRETS, ssn } from '../../fixtures/labelled/sensitive-values.ts';

/** Minimum precision and recall of one category. */
interface Floor {
  precision: number;
  recall: number;
}

/** The floors per category, asserted after the figures are printed. */
const THRESHOLDS: Readonly<Record<Category, Floor>> = {
  // Floors a little under today's figures (security 100/97.9, provider 100/100, quality 100/93.2,
  // cost 100/92.9, data 92.3/100), so one more miss or false alarm than today fails. The set now
  // holds indirect injections, persona jailbreaks, refusals in other scripts, loops and their
  // near misses (cases-content-classes.ts).
  security: { precision: 0.98, recall: 0.97 },
  provider: { precision: 0.99, recall: 0.99 },
  quality: { precision: 0.98, recall: 0.92 },
  // Cost misses today: a retry storm reported only as a secondary match of the outage on its last
  // failed attempt (the classifier ranks provider first).
  cost: { precision: 0.95, recall: 0.9 },
  data: { precision: 0.9, recall: 0.99 },
};

let labels: Label[] = [];
let events: FailureEvent[] = [];
let scores: Scores;
let run: { code: number; stderr: string };

beforeAll(async () => {
  const r = await classifyLabelledSet();
  ({ labels, events, scores } = r);
  run = { code: r.code, stderr: r.stderr };
});

describe('the labelled evaluation set', () => {
  it('has at least 200 labels, at least 40% clean, failing labels in every category and every vocabulary', () => {
    expect(labels.length).toBeGreaterThanOrEqual(200);
    const clean = labels.filter((l) => l.expected === null).length;
    expect(clean / labels.length).toBeGreaterThanOrEqual(0.4);
    for (const category of Object.keys(SUBTYPES) as Category[])
      expect(labels.filter((l) => l.expected?.category === category).length, category).toBeGreaterThanOrEqual(10);
    for (const vocabulary of VOCABULARIES) {
      expect(labels.filter((l) => l.vocabulary === vocabulary && l.expected !== null).length, vocabulary).toBeGreaterThanOrEqual(10);
      expect(labels.filter((l) => l.vocabulary === vocabulary && l.expected === null).length, vocabulary).toBeGreaterThanOrEqual(10);
    }
  });

  it('labels only subtypes of the taxonomy, and gives every span exactly one owner', () => {
    for (const l of labels)
      if (l.expected) expect(SUBTYPES[l.expected.category] as readonly string[], l.name).toContain(l.expected.subtype);
    const owners = new Map<string, string>();
    for (const l of labels) {
      expect(l.spans.length, l.name).toBeGreaterThan(0);
      for (const s of l.spans) {
        expect(owners.get(s.spanId!), `span ${s.spanId} of ${l.name}`).toBeUndefined();
        owners.set(s.spanId!, l.name);
      }
    }
    for (const l of labels) for (const id of l.related ?? []) expect(owners.has(id), `${l.name} relates to ${id}`).toBe(true);
  });

  it('gives windowed labels history before them that no label owns, and the windowed cost and data labels have it', () => {
    const owned = new Set(labels.flatMap((l) => l.spans.map((s) => s.spanId!)));
    const historyIds = new Set<string>();
    for (const l of labels) {
      if (l.history === undefined) continue;
      const labelStart = Math.min(...l.spans.map((s) => s.startMs!));
      for (const h of l.history) {
        expect(owned.has(h.spanId!) || historyIds.has(h.spanId!), `history span ${h.spanId} of ${l.name}`).toBe(false);
        historyIds.add(h.spanId!);
        expect(h.startMs! + (h.durationMs ?? 0), `history of ${l.name} ends before it`).toBeLessThanOrEqual(labelStart);
      }
    }
    // A storm, spike, drop or drift is judged against a window: each such case has history.
    const windowed = ['token_spike', 'cache_miss_storm', 'retry_storm', 'retrieval_quality_drop', 'embedding_drift'];
    const traceOf = (l: Label) => l.spans[0].traceId!.slice(0, 14);
    const casesWithHistory = new Set(labels.filter((l) => l.history !== undefined).map(traceOf));
    const windowedLabels = labels.filter((l) => l.expected !== null && windowed.includes(l.expected.subtype));
    expect(windowedLabels.length).toBeGreaterThanOrEqual(10);
    for (const l of windowedLabels) expect(casesWithHistory.has(traceOf(l)), `${l.name} has history`).toBe(true);
  });

  it('runs through faultline classify without an error', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(events.length).toBeGreaterThan(0);
  });

  it('prints precision, recall and the subtype confusion for every category', () => {
    const table = renderScores(scores);
    console.log(`\n${table}\n`);
    for (const c of scores.categories) {
      expect(c.support, c.category).toBeGreaterThan(0);
      expect(c.recall, c.category).not.toBeNull();
      expect(table).toContain(c.category);
    }
  });

  it.each(Object.entries(THRESHOLDS) as [Category, Floor][])('reaches the thresholds for %s', (category, t) => {
    const s = scores.categories.find((c) => c.category === category)!;
    expect(
      s.precision,
      `${category} precision (false alarms: ${scores.falsePositives.filter((f) => f.startsWith(category)).join('; ')})`,
    ).toBeGreaterThanOrEqual(t.precision);
    expect(
      s.recall,
      `${category} recall (missed: ${scores.falseNegatives.filter((f) => f.startsWith(category)).join('; ')})`,
    ).toBeGreaterThanOrEqual(t.recall);
  });

  it('keeps every PII and secret value of the fixture inputs out of the events and the printed table', () => {
    const values = [
      cardNumber('453201511283036'),
      cardNumber('552000000000012'),
      iban('DE', '370400440532013000'),
      iban('FR', '20041010050500013M02606'),
      ssn(536, 22, 8145),
      SECRETS.openaiKey(),
      SECRETS.anthropicKey(),
      SECRETS.awsAccessKeyId(),
      SECRETS.awsSecret(),
      SECRETS.githubToken(),
      SECRETS.slackToken(),
      SECRETS.dbPassword(),
      SECRETS.stripeBody(),
      SECRETS.azureAccountKey(),
      SECRETS.googleKey(),
      SECRETS.bearer(),
      SECRETS.privateKeyLine(1),
      'jana.novak@fastmail.cz',
      'eloise.marchand@orange.fr',
    ];
    const output = `${events.map((e) => JSON.stringify(e)).join('\n')}\n${renderScores(scores)}`;
    const compact = output.replace(/[\s-]/g, '');
    for (const v of values) {
      expect(output.includes(v), 'a sensitive fixture value reached the output').toBe(false);
      expect(compact.includes(v.replace(/[\s-]/g, '')), 'a sensitive fixture value reached the output (separators removed)').toBe(false);
    }
  });
});
