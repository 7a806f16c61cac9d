// Issue 5's evaluation: `faultline classify` on the labelled set (test/fixtures/labelled/, 300+
// labels over five vocabularies, more than 40% clean with hard near misses) is scored per category
// against the labels; the table is printed and the categories whose detectors are merged must
// reach their thresholds. Print the same table with: npx tsx test/fixtures/labelled/print-scores.ts
import { beforeAll, describe, expect, it } from 'vitest';
import type { FailureEvent } from '../../../agent/model/failure-event.ts';
import { SUBTYPES, type Category } from '../../../agent/model/taxonomy.ts';
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
  security: { precision: 0.9, recall: 0.9 },
  provider: { precision: 0.9, recall: 0.9 },
  // Floors a little under today's figures (88.2/81.1, 100/28.6, 75/25), so a regression fails.
  // Cost and data recall are low because most of their subtypes are windowed (spikes, drift and
  // staleness need a history that single labelled spans do not carry); see the closing notes.
  quality: { precision: 0.85, recall: 0.78 },
  cost: { precision: 0.9, recall: 0.25 },
  data: { precision: 0.7, recall: 0.2 },
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
    for (const category of Object.keys(SUBTYPES) as Category[]) expect(labels.filter((l) => l.expected?.category === category).length, category).toBeGreaterThanOrEqual(10);
    for (const vocabulary of VOCABULARIES) {
      expect(labels.filter((l) => l.vocabulary === vocabulary && l.expected !== null).length, vocabulary).toBeGreaterThanOrEqual(10);
      expect(labels.filter((l) => l.vocabulary === vocabulary && l.expected === null).length, vocabulary).toBeGreaterThanOrEqual(10);
    }
  });

  it('labels only subtypes of the taxonomy, and gives every span exactly one owner', () => {
    for (const l of labels) if (l.expected) expect(SUBTYPES[l.expected.category] as readonly string[], l.name).toContain(l.expected.subtype);
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

  it.each(Object.entries(THRESHOLDS) as [Category, Floor][])(
    'reaches the thresholds for %s',
    (category, t) => {
      const s = scores.categories.find((c) => c.category === category)!;
      expect(s.precision, `${category} precision (false alarms: ${scores.falsePositives.filter((f) => f.startsWith(category)).join('; ')})`).toBeGreaterThanOrEqual(t.precision);
      expect(s.recall, `${category} recall (missed: ${scores.falseNegatives.filter((f) => f.startsWith(category)).join('; ')})`).toBeGreaterThanOrEqual(t.recall);
    },
  );

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
