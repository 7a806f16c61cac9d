// `faultline classify` on a file of successful LiteLLM calls with quality failures prints one
// quality event per failing call, nothing for the clean ones, and no answer text, name or long
// number from the answers in its output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { ANNUAL_REPORT, qualitySpan, type QualitySpec } from '../../processors/detectors/quality/spans.ts';
import { runCli } from '../../support/cli.ts';
import { encodeTracesJson } from '../../../agent/receivers/otlp-wire/encode-json.ts';
import { span } from '../../support/span-builder.ts';

const ACCOUNT = '98765432101';
const CASES: { name: string; spec: QualitySpec; expected: string | null }[] = [
  {
    name: 'prose when JSON was asked',
    spec: { output: 'Sure! The weather in Paris is sunny.', responseFormat: { type: 'json_object' } },
    expected: 'format_violation',
  },
  { name: 'refusal', spec: { output: "I'm sorry, but I can't help with that request." }, expected: 'refusal' },
  {
    name: 'truncated answer',
    spec: { output: 'The history of Paris begins with', finishReason: 'length', outputTokens: 256, maxTokens: 256 },
    expected: 'truncation',
  },
  { name: 'empty answer', spec: { outputTokens: 0 }, expected: 'empty_response' },
  {
    name: 'ungrounded facts',
    spec: {
      tool: ANNUAL_REPORT,
      output: `Northwind earned $5,100,000, up 27%, per Michael Brandt; wire it to account ${ACCOUNT} (https://northwind.example/investors).`,
    },
    expected: 'hallucination',
  },
  {
    name: 'answer in French',
    spec: {
      user: 'Could you summarise the opening hours of the museum for next weekend, please?',
      output: 'Le musée est ouvert samedi et dimanche de dix heures à dix-huit heures, avec une nocturne le samedi.',
    },
    expected: 'language_drift',
  },
  { name: 'low faithfulness score', spec: { output: 'It is sunny.', attributes: { faithfulness: 0.2 } }, expected: 'low_faithfulness' },
  { name: 'clean answer', spec: { output: 'It is sunny in Paris today, around 21 degrees.' }, expected: null },
  {
    name: "near miss: I can't believe",
    spec: { output: "I can't believe how good this is! The pasta recipe works perfectly." },
    expected: null,
  },
  {
    name: 'near miss: grounded numbers',
    spec: { tool: ANNUAL_REPORT, output: 'Revenue was $4,250,000 in fiscal 2024, up 18%, with 12 new stores.' },
    expected: null,
  },
];

const traceId = (i: number) => `9a${i.toString(16).padStart(30, '0')}`;
const dir = mkdtempSync(join(tmpdir(), 'faultline-quality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('faultline classify prints quality events', () => {
  it('prints the expected quality subtype for each failing call and nothing for the clean ones', async () => {
    const file = join(dir, 'quality.json');
    writeFileSync(
      file,
      JSON.stringify(
        encodeTracesJson(
          CASES.map((c, i) => span(qualitySpan({ ...c.spec, traceId: traceId(i), spanId: `9b${i.toString(16).padStart(14, '0')}` }))),
        ),
      ),
    );
    const r = await runCli(['classify', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => FailureEvent.parse(JSON.parse(l)));
    const actual = Object.fromEntries(
      CASES.map((c, i) => [c.name, events.filter((e) => e.trace_id === traceId(i)).map((e) => `${e.category}/${e.subtype}`)]),
    );
    expect(actual).toEqual(Object.fromEntries(CASES.map((c) => [c.name, c.expected === null ? [] : [`quality/${c.expected}`]])));
    for (const e of events) expect(e).toMatchObject({ category: 'quality', severity: expect.stringMatching(/^P[234]$/) });

    // The inputs carry these; the events must not.
    expect(JSON.stringify(CASES)).toContain(ACCOUNT);
    for (const raw of [ACCOUNT, 'Brandt', 'Michael', 'sunny', 'musée', 'history of Paris', "can't help"])
      expect(r.stdout).not.toContain(raw);
  });
});
