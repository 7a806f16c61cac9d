// Both OTLP decoders hand over text PostgreSQL can store: a NUL (and, from JSON escapes, a lone
// surrogate) in any string or key becomes U+FFFD, whether the string is short (cached) or long.
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { decodeLogsJson, decodeTracesJson } from '../../../../agent/receivers/otlp-wire/decode-json.ts';
import { decodeLogsProtobuf } from '../../../../agent/receivers/otlp-wire/decode-logs-protobuf.ts';
import { decodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/decode-traces-protobuf.ts';
import { encodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/encode-traces-protobuf.ts';
import { serializeLogsProtobuf } from '../../../support/otlp-fixtures.ts';
import { span } from '../../../support/span-builder.ts';

const LONG = 'x'.repeat(100);

describe('text from the OTLP decoders', () => {
  it('replaces NUL in protobuf span names, status messages, keys, values, events and resources, short and long', () => {
    const input = span({
      name: 'chat\u0000',
      attributes: { 'k\u0000': 'v\u0000', long: `${LONG}\u0000`, list: ['a\u0000', { nested: `${LONG}\u0000` }] },
      events: [{ name: 'exception', attributes: { 'exception.message': 'boom\u0000' } }],
      status: { code: 2, message: `${LONG}\u0000 failed` },
      resource: { 'service.name': 'svc\u0000' },
    });
    const [out] = decodeTracesProtobuf(encodeTracesProtobuf([input])).spans;
    expect(out.name).toBe('chat\ufffd');
    expect(out.attributes).toEqual({ 'k\ufffd': 'v\ufffd', long: `${LONG}\ufffd`, list: ['a\ufffd', { nested: `${LONG}\ufffd` }] });
    expect(out.events[0].attributes['exception.message']).toBe('boom\ufffd');
    expect(out.status.message).toBe(`${LONG}\ufffd failed`);
    expect(out.resource.attributes['service.name']).toBe('svc\ufffd');
    // A second decode of the same bytes comes from the string cache: still replaced.
    expect(decodeTracesProtobuf(encodeTracesProtobuf([input])).spans[0].name).toBe('chat\ufffd');
  });

  it('replaces NUL in protobuf log bodies and attributes', () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    provider.getLogger('test').emit({ body: 'answer\u0000', attributes: { 'gen_ai.system\u0000': 'openai\u0000' } });
    const [out] = decodeLogsProtobuf(serializeLogsProtobuf(exporter.getFinishedLogRecords())).logs;
    expect(out.body).toBe('answer\ufffd');
    expect(out.attributes).toEqual({ 'gen_ai.system\ufffd': 'openai\ufffd' });
  });

  it('replaces \\u0000 and lone surrogate escapes in OTLP/JSON strings and keys', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc\u0000' } }] },
          scopeSpans: [
            {
              scope: { name: 'scope\ud800' },
              spans: [
                {
                  traceId: 'a'.repeat(32),
                  spanId: 'b'.repeat(16),
                  name: 'chat\udfff',
                  attributes: [
                    { key: 'k\u0000', value: { stringValue: 'v\ud800x' } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'in\ud800', value: { stringValue: '\u0000' } }] } } },
                  ],
                  status: { code: 2, message: 'bad\u0000' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(body).toContain('\\u0000');
    expect(body).toContain('\\ud800');
    const [out] = decodeTracesJson(body).spans;
    expect(out.name).toBe('chat\ufffd');
    expect(out.scope.name).toBe('scope\ufffd');
    expect(out.resource.attributes['service.name']).toBe('svc\ufffd');
    expect(out.attributes).toEqual({ 'k\ufffd': 'v\ufffdx', kv: { 'in\ufffd': '\ufffd' } });
    expect(out.status.message).toBe('bad\ufffd');
  });

  it('replaces a lone surrogate that a JSON text handed over as a string holds raw, without an escape', () => {
    const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'a'.repeat(32)}","spanId":"${'b'.repeat(16)}","name":"raw\ud800"}]}]}]}`;
    expect(text).not.toContain('\\u');
    expect(decodeTracesJson(text).spans[0].name).toBe('raw\ufffd');
  });

  it('replaces them in OTLP/JSON log bodies', () => {
    const body = JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            { logRecords: [{ body: { kvlistValue: { values: [{ key: 'content', value: { stringValue: 'hi\ud800\u0000' } }] } } }] },
          ],
        },
      ],
    });
    expect(decodeLogsJson(body).logs[0].body).toEqual({ content: 'hi\ufffd\ufffd' });
  });

  it('leaves surrogate pairs and other text as sent', () => {
    const input = span({ name: 'chat 😀', attributes: { text: 'café 😀 ok' } });
    const [viaProtobuf] = decodeTracesProtobuf(encodeTracesProtobuf([input])).spans;
    expect(viaProtobuf.attributes.text).toBe('café 😀 ok');
    expect(viaProtobuf.name).toBe('chat 😀');
  });
});
