// Recoverability end to end: spans → normalize → trace_assembler (manual clock) → detectors →
// classifier, so the attempt info the classifier reads is the trace assembler's own.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import type { Processor, ProcessorContext } from '../../../agent/core/component.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import classifier from '../../../processors/classifier/index.ts';
import detectors from '../../../processors/detectors/index.ts';
import normalize from '../../../processors/normalize/index.ts';
import traceAssembler from '../../../processors/trace-assembler/index.ts';
import { e1Success, e3Overloaded, proxyServerSuccess } from '../../fixtures/spans/litellm-v1.ts';
import { BASE_MS } from '../../fixtures/spans/scenario.ts';
import { span, StatusCode, type SpanInput } from '../../support/span-builder.ts';
import { makeServices } from '../../support/component-context.ts';

async function eventsFor(inputs: SpanInput[]): Promise<FailureEvent[]> {
  const time = createManualTime(BASE_MS);
  const events: FailureEvent[] = [];
  const ctx = (id: string, emit: ProcessorContext['emit'] = async () => {}): ProcessorContext => ({
    id,
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    emit,
  });
  const make = async (f: typeof normalize | typeof detectors | typeof classifier, id: string): Promise<Processor> =>
    f.create(f.configSchema.parse({}) as never, ctx(id));
  const norm = await make(normalize, 'normalize');
  const detect = await make(detectors, 'detectors');
  const classify = await make(classifier, 'classifier');
  const downstream = async (batch: Batch) => {
    const out = await classify.process(await detect.process(batch));
    events.push(...out.events);
  };
  const assembler = await traceAssembler.create(traceAssembler.configSchema.parse({}), ctx('trace_assembler', downstream));
  await assembler.start?.();

  const spans = inputs.map((s) => span(s));
  await time.advanceTo(Math.max(...spans.map((s) => Number(s.endTimeUnixNano / 1_000_000n))));
  await downstream(await assembler.process(await norm.process(createBatch({ spans }))));
  await time.advanceTo(time.clock.now() + 10_000); // past wait_ms: the trace is released by the timer
  await assembler.shutdown?.();
  return events;
}

const failedAttempt = e3Overloaded.input; // Anthropic 529 reported as 500, under the proxy span
const fallback: SpanInput = { ...e1Success.input, spanId: '1000000000000011', startMs: BASE_MS + 870, durationMs: 25 };
const gatewayOk: SpanInput = proxyServerSuccess;
const gatewayFailed: SpanInput = {
  ...proxyServerSuccess,
  status: { code: StatusCode.ERROR },
  attributes: { ...proxyServerSuccess.attributes, 'http.response.status_code': 500 },
};

describe('severity of a failed attempt, through the trace assembler', () => {
  it('is lower when the request succeeded by fallback than for the same failure with no fallback', async () => {
    const [alone] = await eventsFor([failedAttempt]);
    const [recovered] = await eventsFor([gatewayOk, failedAttempt, fallback]);
    expect(alone).toMatchObject({
      subtype: 'overloaded',
      span_id: failedAttempt.spanId,
      severity: 'P1',
      impact_scope: { recovered: null },
    });
    expect(recovered).toMatchObject({
      subtype: 'overloaded',
      span_id: failedAttempt.spanId,
      severity: 'P2',
      impact_scope: { recovered: true },
      evidence: {
        attempt: { number: 1, of: 2, request_outcome: 'ok', recovered: true, recovered_by_model: 'gpt-4o-2024-08-06' },
        severity_reasons: ['recovered'],
      },
    });
  });

  it('stays P1 when the gateway request failed too: no working fallback', async () => {
    const [event] = await eventsFor([gatewayFailed, failedAttempt]);
    expect(event).toMatchObject({ subtype: 'overloaded', severity: 'P1', impact_scope: { recovered: false } });
  });

  it('produces nothing for the successful fallback itself', async () => {
    const events = await eventsFor([gatewayOk, failedAttempt, fallback]);
    expect(events.map((e) => e.span_id)).toEqual([failedAttempt.spanId]);
  });
});
