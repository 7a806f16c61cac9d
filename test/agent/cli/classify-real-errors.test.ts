// The real-error corpus (test/fixtures/real-errors/corpus.json: error strings users posted in public
// issue trackers) rendered as LiteLLM v1 and v2 traffic with a clean companion per entry, run through
// `faultline classify` with the built-in defaults and scored. Print the same report with:
//   npx tsx test/fixtures/real-errors/print-scores.ts
import { beforeAll, describe, expect, it } from 'vitest';
import type { Category } from '../../../agent/core/model/taxonomy.ts';
import { loadRealErrors } from '../../fixtures/real-errors/real-error-corpus.ts';
import { classifyRealErrors } from '../../fixtures/real-errors/print-scores.ts';
import {
  categoryAccuracy,
  falsePositiveRate,
  precisionOf,
  recallOf,
  renderCorpusScores,
  subtypeAccuracy,
  type CorpusScores,
} from '../../fixtures/real-errors/score-corpus.ts';

/** Per-category floors: precision over requests with an event of the category, recall over its entries. */
const CATEGORY_FLOORS: Readonly<Record<Exclude<Category, 'data'>, { precision: number; recall: number }>> = {
  provider: { precision: 0.99, recall: 0.99 },
  cost: { precision: 0.95, recall: 0.95 },
  quality: { precision: 0.95, recall: 0.95 },
  security: { precision: 0.95, recall: 0.95 },
};

let scores: CorpusScores;
let run: { code: number; stderr: string };

beforeAll(async () => {
  const r = await classifyRealErrors();
  scores = r.scores;
  run = { code: r.code, stderr: r.stderr };
});

describe('the real-error corpus', () => {
  it('holds at least 200 distinct messages, each with a public source, a provider, a LiteLLM class and status and a label', () => {
    const entries = loadRealErrors();
    expect(entries.length).toBeGreaterThanOrEqual(200);
    expect(new Set(entries.map((e) => e.message)).size).toBe(entries.length);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const e of entries) expect(e.source, e.id).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull)\/\d+$/);
    // Beyond the big three, and both operations.
    expect(new Set(entries.map((e) => e.provider)).size).toBeGreaterThanOrEqual(15);
    expect(entries.filter((e) => e.operation === 'embeddings').length).toBeGreaterThanOrEqual(10);
  });

  it('runs through faultline classify without an error', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('prints its scores', () => {
    const report = renderCorpusScores(scores);
    console.log(`\n${report}\n`);
    expect(report).toContain('category');
    expect(scores.entries).toBeGreaterThanOrEqual(200);
  });

  it('reaches category accuracy 0.99, subtype accuracy 0.97 and at most 1% false positives', () => {
    const misses = scores.misses.map((m) => `${m.id}: ${m.expected} → ${m.got}`).join('; ');
    expect(categoryAccuracy(scores), misses).toBeGreaterThanOrEqual(0.99);
    expect(subtypeAccuracy(scores), misses).toBeGreaterThanOrEqual(0.97);
    expect(falsePositiveRate(scores), scores.falseAlarms.map((f) => `${f.id}: ${f.got}`).join('; ')).toBeLessThanOrEqual(0.01);
  });

  it.each(Object.entries(CATEGORY_FLOORS))('reaches the precision and recall floors for %s', (category, floor) => {
    const t = scores.byCategory.get(category as Category);
    expect(t, category).toBeDefined();
    expect(precisionOf(t!), category).toBeGreaterThanOrEqual(floor.precision);
    expect(recallOf(t!), category).toBeGreaterThanOrEqual(floor.recall);
  });

  it('explains nearly every failure: unknown_error on at most 1% of the entries', () => {
    expect(scores.unknownErrors / scores.entries).toBeLessThanOrEqual(0.01);
  });
});
