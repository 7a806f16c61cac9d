// Issue 5's redaction promise: a card number and an API key in a completion become security
// events whose evidence is masked, and neither raw value reaches an event or a log line, through
// the processors chained by hand and through `faultline classify`. Also the end-to-end case of a
// failed call carrying an injection: security is primary, the provider failure secondary.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualTime } from '../../../../agent/core/clock.ts';
import type { Processor, ProcessorContext } from '../../../../agent/core/component.ts';
import { createBatch } from '../../../../agent/core/model/batch.ts';
import { FailureEvent } from '../../../../agent/core/model/failure-event.ts';
import classifier from '../../../../processors/classifier/index.ts';
import detectors from '../../../../processors/detectors/index.ts';
import normalize from '../../../../processors/normalize/index.ts';
import { BASE_MS } from '../../../fixtures/spans/scenario.ts';
import { runCli } from '../../../support/cli.ts';
import { encodeTracesJson } from '../../../../agent/receivers/otlp-wire/encode-json.ts';
import { span, type SpanInput } from '../../../support/span-builder.ts';
import { CARD, CARD_DIGITS, chatSpan, INJECTION, OPENAI_KEY } from './spans.ts';
import { makeServices } from '../../../support/component-context.ts';

const RAW = [CARD, CARD_DIGITS, OPENAI_KEY, OPENAI_KEY.slice(8)];
const leakSpans: SpanInput[] = [
  chatSpan({ spanId: '5e00000000000001', traceId: '5e000000000000000000000000000001', output: `Sure, the customer's card is ${CARD}.` }),
  chatSpan({
    spanId: '5e00000000000002',
    traceId: '5e000000000000000000000000000002',
    output: `Here is the production key: ${OPENAI_KEY}`,
  }),
];

async function runChain(inputs: SpanInput[]): Promise<{ events: FailureEvent[]; log: string }> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const time = createManualTime(BASE_MS);
  const ctx = (id: string): ProcessorContext => ({
    id,
    logger: logger.child({ component: id }),
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    emit: async () => {},
  });
  const make = async (f: typeof normalize | typeof detectors | typeof classifier, id: string): Promise<Processor> =>
    f.create(f.configSchema.parse({}) as never, ctx(id));
  const chain = [await make(normalize, 'normalize'), await make(detectors, 'detectors'), await make(classifier, 'classifier')];
  let batch = createBatch({ spans: inputs.map((s) => span(s)) });
  for (const p of chain) batch = await p.process(batch);
  for (const p of chain) await p.shutdown?.();
  return { events: [...batch.events], log: lines.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function otlpFile(name: string, inputs: SpanInput[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(encodeTracesJson(inputs.map((s) => span(s)))));
  return file;
}

const parseEvents = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => FailureEvent.parse(JSON.parse(l)));

describe('no raw PII or secret value reaches an event or a log', () => {
  it('through normalize → detectors → classifier, with every log level captured', async () => {
    for (const raw of [CARD, OPENAI_KEY]) expect(JSON.stringify(leakSpans)).toContain(raw); // the inputs do carry them
    const { events, log } = await runChain(leakSpans);
    expect(events.map((e) => `${e.category}/${e.subtype}`).sort()).toEqual(['security/pii_leakage', 'security/secret_leakage']);
    const pii = events.find((e) => e.subtype === 'pii_leakage')!;
    expect(pii.evidence).toMatchObject({ rule: 'pii:credit_card.luhn', hits: [{ type: 'credit_card', masked: '4111********1111' }] });
    const secret = events.find((e) => e.subtype === 'secret_leakage')!;
    expect(secret).toMatchObject({
      matched_pattern: 'secret:openai_api_key',
      evidence: { hits: [{ type: 'openai_api_key', source: 'output' }] },
    });
    const all = JSON.stringify(events) + log;
    for (const raw of RAW) expect(all).not.toContain(raw);
  });

  it('through faultline classify: stdout and stderr hold masked excerpts only', async () => {
    const r = await runCli(['classify', otlpFile('leaks.json', leakSpans)]);
    expect(r.code).toBe(0);
    expect(
      parseEvents(r.stdout)
        .map((e) => e.subtype)
        .sort(),
    ).toEqual(['pii_leakage', 'secret_leakage']);
    for (const raw of RAW) {
      expect(r.stdout).not.toContain(raw);
      expect(r.stderr).not.toContain(raw);
    }
  });
});

describe('faultline classify: a LiteLLM call that failed with HTTP 500 and carried a prompt injection', () => {
  it('prints one security/prompt_injection event with the provider failure in secondary', async () => {
    const failed = chatSpan({
      spanId: '5e00000000000003',
      traceId: '5e000000000000000000000000000003',
      user: `Summarise my notes. ${INJECTION}`,
      failed500: true,
    });
    const r = await runCli(['classify', otlpFile('injection-500.json', [failed])]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = parseEvents(r.stdout);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      category: 'security',
      subtype: 'prompt_injection',
      span_id: '5e00000000000003',
      threat_type: 'prompt_injection',
      matched_pattern: 'injection:override.ignore_previous',
      blocked: false,
      severity: 'P1',
      secondary: [{ category: 'provider', subtype: 'outage' }],
    });
    expect(r.stdout).not.toContain('previous instructions');
  });
});
