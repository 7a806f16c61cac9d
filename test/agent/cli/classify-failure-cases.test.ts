// Issue 4's acceptance test: `faultline classify` on a file with one span per failure case prints
// exactly the expected category and subtype for each failing span and nothing for each clean one.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { caseTraceId, FAILURE_CASES } from '../../fixtures/otlp/failure-cases.ts';
import { FAILURE_CASES_JSON, renderFailureCasesJson } from '../../fixtures/otlp/generate-failure-cases.ts';
import { runCli } from '../../support/cli.ts';

let events: FailureEvent[] = [];

beforeAll(async () => {
  const r = await runCli(['classify', FAILURE_CASES_JSON]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  events = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => FailureEvent.parse(JSON.parse(l)));
});

describe('faultline classify on the failure-case fixture', () => {
  it('reads a fixture file that is up to date with failure-cases.ts (regenerate: npx tsx test/fixtures/otlp/generate-failure-cases.ts)', () => {
    expect(readFileSync(FAILURE_CASES_JSON, 'utf8')).toBe(renderFailureCasesJson());
  });

  it('prints exactly the expected category and subtype for each failing span and nothing for each clean one', () => {
    const expected = Object.fromEntries(
      FAILURE_CASES.map((c) => [
        c.name,
        c.expected ? [`${c.expected.category}/${c.expected.subtype} @ ${c.spanId ?? c.spans[0].spanId}`] : [],
      ]),
    );
    const actual = Object.fromEntries(
      FAILURE_CASES.map((c, i) => [
        c.name,
        events.filter((e) => e.trace_id === caseTraceId(i)).map((e) => `${e.category}/${e.subtype} @ ${e.span_id}`),
      ]),
    );
    expect(actual).toEqual(expected);
  });

  it('covers failing and clean spans of every vocabulary, and prints nothing outside the cases', () => {
    const failing = FAILURE_CASES.filter((c) => c.expected !== null).length;
    expect(failing).toBeGreaterThanOrEqual(40);
    expect(FAILURE_CASES.length - failing).toBeGreaterThanOrEqual(20);
    expect(events).toHaveLength(failing);
  });

  it('prints events sorted by timestamp, then failure_id', () => {
    const keys = events.map((e) => `${e.timestamp} ${e.failure_id}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('gives the same output twice (deterministic ids and order)', async () => {
    const again = await runCli(['classify', FAILURE_CASES_JSON]);
    expect(
      again.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l).failure_id),
    ).toEqual(events.map((e) => e.failure_id));
  });
});
