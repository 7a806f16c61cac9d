import { describe, expect, it } from 'vitest';
import { decodeTracesJson } from '../../../../agent/receivers/otlp-wire/decode-json.ts';
import { encodeTracesJson } from '../../../../agent/receivers/otlp-wire/encode-json.ts';
import { span } from '../../../support/span-builder.ts';

describe('encodeTracesJson', () => {
  it('writes NaN and infinite doubles as proto3 JSON strings, so they decode back instead of becoming null', () => {
    const input = span({ attributes: { nan: NaN, up: Infinity, down: -Infinity, big: 1e308, list: [NaN, 1.5] } });
    const [out] = decodeTracesJson(JSON.stringify(encodeTracesJson([input]))).spans;
    expect(out.attributes).toEqual({ nan: NaN, up: Infinity, down: -Infinity, big: 1e308, list: [NaN, 1.5] });
  });
});
