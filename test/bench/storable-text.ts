// `npm run bench storable-text`: what making text storable (NUL and lone surrogates replaced where
// text enters the model) costs on the hot path, per span of the realistic 512-span LiteLLM request:
// the checks alone, measured in isolation, beside the decode and normalize they are part of. CPU
// time (not wall time), the median of several rounds: the machine is shared.
import { storableText, storableUtf8Text } from '../../agent/core/model/storable-text.ts';
import { decodeTracesJson } from '../../agent/receivers/otlp-wire/decode-json.ts';
import { decodeTracesProtobuf } from '../../agent/receivers/otlp-wire/decode-traces-protobuf.ts';
import { NormalizeConfig, toSettings } from '../../processors/normalize/config.ts';
import { normalizeSpan } from '../../processors/normalize/index.ts';
import { genAiTraceRequest } from '../support/otlp-fixtures.ts';

const SPANS = 512;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

/** Median CPU nanoseconds per span of `fn` (which handles SPANS spans), over ROUNDS rounds of `reps`. */
function nsPerSpan(fn: () => void, reps: number): number {
  for (let i = 0; i < 3; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn();
    const d = process.cpuUsage(start);
    rounds.push(((d.user + d.system) * 1000) / (reps * SPANS));
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const { protobuf, json } = genAiTraceRequest(SPANS);
const text = new TextDecoder().decode(json);
const spans = decodeTracesProtobuf(protobuf).spans;
const settings = toSettings(NormalizeConfig.parse({}));

// The strings each check sees: protobuf checks the values it decodes past the short-string cache
// (over 48 bytes); the JSON decoder scans the request text once; normalize scans each
// JSON-looking attribute it parses for a \u escape.
const longValues: string[] = [];
const jsonAttributes: string[] = [];
const allStrings: string[] = [];
for (const s of spans) {
  for (const [k, v] of Object.entries(s.attributes)) {
    allStrings.push(k);
    if (typeof v !== 'string') continue;
    allStrings.push(v);
    if (Buffer.byteLength(v) > 48) longValues.push(v);
    if (v.startsWith('{') || v.startsWith('[')) jsonAttributes.push(v);
  }
}

const figures = {
  'protobuf decode': nsPerSpan(() => decodeTracesProtobuf(protobuf), 10),
  '  of which NUL checks on uncached strings': nsPerSpan(() => longValues.forEach(storableUtf8Text), 20),
  'JSON decode': nsPerSpan(() => decodeTracesJson(json), 5),
  '  of which one scan of the request text': nsPerSpan(() => void (text.includes('\\u') || !text.isWellFormed()), 20),
  '  (a check per string instead, for comparison)': nsPerSpan(() => allStrings.forEach(storableText), 20),
  normalize: nsPerSpan(() => spans.forEach((s) => normalizeSpan(s, settings)), 10),
  '  of which \\u scans of embedded JSON': nsPerSpan(() => jsonAttributes.forEach((a) => a.includes('\\u')), 20),
};
for (const [name, ns] of Object.entries(figures)) process.stdout.write(`  ${name.padEnd(48)} ${ns.toFixed(0).padStart(6)} ns/span\n`);
process.stdout.write(
  `  (${(longValues.length / SPANS).toFixed(1)} uncached strings, ${(jsonAttributes.length / SPANS).toFixed(1)} JSON attributes, ${(allStrings.length / SPANS).toFixed(0)} strings per span; ${Math.round(text.length / SPANS)} JSON chars per span)\n`,
);
