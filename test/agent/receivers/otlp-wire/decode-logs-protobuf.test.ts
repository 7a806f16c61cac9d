import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLogsProtobuf } from '../../../../agent/receivers/otlp-wire/decode-logs-protobuf.ts';
import { makeGenAiLogRecords, serializeLogsProtobuf } from '../../../support/otlp-fixtures.ts';
import { logBatchArb } from './otlp-arbitraries.ts';

describe('decodeLogsProtobuf', () => {
  it('decodes whatever the official serializer encodes back to the same log records', () => {
    fc.assert(
      fc.property(logBatchArb, ({ logs, expected }) => {
        expect(decodeLogsProtobuf(serializeLogsProtobuf(logs)).logs).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('decodes SDK GenAI events with event_name, severity and a structured body', () => {
    const [user, choice] = decodeLogsProtobuf(serializeLogsProtobuf(makeGenAiLogRecords(2))).logs;
    expect(user.eventName).toBe('gen_ai.user.message');
    expect(user.severityNumber).toBe(9);
    expect(user.severityText).toBe('INFO');
    expect(user.attributes['event.name']).toBe('gen_ai.user.message');
    expect(choice.body).toMatchObject({ index: 0, finish_reason: 'stop', message: { content: expect.stringMatching(/^Answer \d+$/) } });
    expect(choice.observedTimeUnixNano - choice.timeUnixNano).toBe(1_000_000n);
    expect(choice.resource).toBe(user.resource);
    expect(choice.scope.name).toBe('@opentelemetry/instrumentation-openai');
  });

  it('returns no records for an empty request', () => {
    expect(decodeLogsProtobuf(new Uint8Array(0))).toEqual({ logs: [] });
  });
});
