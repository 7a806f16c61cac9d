// Every real span shape the repository has, as decoded spans: the fixture modules of each
// supported vocabulary (test/fixtures/spans), the labelled evaluation set (all five categories,
// content included) and the simulator's renderers (LiteLLM v1/v2, OTel GenAI, the app spans).
// Hostile-input tests start from these so that what they mutate is what real emitters send.
import { generate } from '../../agent/tools/simulate/generate.ts';
import { loadScenario } from '../../agent/tools/simulate/load-scenario.ts';
import { renderSpans } from '../../agent/tools/simulate/render.ts';
import type { OtlpLogRecord, OtlpSpan } from '../../agent/core/model/otlp.ts';
import * as litellmFailures from '../fixtures/spans/litellm-failures.ts';
import * as litellmV1 from '../fixtures/spans/litellm-v1.ts';
import * as litellmV2 from '../fixtures/spans/litellm-v2.ts';
import * as logRecords from '../fixtures/spans/log-records.ts';
import * as nonGenAi from '../fixtures/spans/non-genai.ts';
import * as openinference from '../fixtures/spans/openinference.ts';
import * as openllmetry from '../fixtures/spans/openllmetry.ts';
import * as otelGenai from '../fixtures/spans/otel-genai.ts';
import * as otelJs from '../fixtures/spans/otel-js-openai.ts';
import { buildLabelledSet, labelledSpans } from '../fixtures/labelled/labelled-set.ts';
import { logRecord, span, type LogInput, type SpanInput } from './span-builder.ts';

const SPAN_MODULES: readonly Record<string, unknown>[] = [
  litellmV1,
  litellmV2,
  litellmFailures,
  otelGenai,
  otelJs,
  openinference,
  openllmetry,
  nonGenAi,
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSpanInput = (v: unknown): v is SpanInput => isRecord(v) && typeof v.name === 'string' && isRecord(v.attributes);

/** SpanInputs anywhere in a fixture export: a span, a scenario's input, a list or a record of them. */
function collectSpanInputs(v: unknown, out: SpanInput[], depth = 0): void {
  if (depth > 3) return;
  if (isSpanInput(v)) out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectSpanInputs(x, out, depth + 1);
  else if (isRecord(v)) for (const x of Object.values(v)) collectSpanInputs(x, out, depth + 1);
}

/** The fixture modules' spans, one of each distinct shape (several modules re-export some). */
export function fixtureSpans(): OtlpSpan[] {
  const inputs: SpanInput[] = [];
  for (const m of SPAN_MODULES) collectSpanInputs(m, inputs);
  return [...new Set(inputs)].map((s) => span(s));
}

export function fixtureLogRecords(): OtlpLogRecord[] {
  const inputs: LogInput[] = [];
  const collect = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (isRecord(v)) inputs.push(v as LogInput);
  };
  for (const v of Object.values(logRecords)) collect(v);
  return inputs.map((l) => logRecord(l));
}

/** The labelled evaluation set's spans (history included), in set order. */
export function labelledSetSpans(): OtlpSpan[] {
  return labelledSpans(buildLabelledSet());
}

/** `faultline simulate` traffic of a bundled scenario, with content, in every engine's shapes. */
export function simulatedSpans(scenario: string, durationSec: number, seed = 1): OtlpSpan[] {
  const loaded = loadScenario(scenario);
  const sim = generate({ ...loaded, seed, duration_secs: durationSec, traffic: { ...loaded.traffic, content: true } });
  return (['litellm', 'litellm_v2', 'otel_genai'] as const).flatMap((engine) => renderSpans(sim, engine));
}
