// Realistic content-bearing traffic for the load bench, rendered by the simulator in every shape
// the agent reads: LiteLLM's default engine as of 2026 and as of 2025 (no litellm_request: the LLM
// attributes sit on the proxy SERVER span), its v2 engine, plain OTel GenAI, and the OpenInference
// spans of a RAG app in front of them. Captured prompts and answers, RAG documents, JSON answers,
// evaluator scores, a few injected prompts, and about 5 % failing calls (provider errors).
import type { OtlpSpan } from '../../../agent/core/model/otlp.ts';
import { encodeTracesJson } from '../../../agent/receivers/otlp-wire/encode-json.ts';
import { generate } from '../../../agent/tools/simulate/generate.ts';
import { renderSpans } from '../../../agent/tools/simulate/render.ts';
import { Scenario, type Engine } from '../../../agent/tools/simulate/scenario-schema.ts';

export type Shape = Engine | 'litellm_2025';
export const SHAPES: readonly Shape[] = ['litellm', 'litellm_2025', 'litellm_v2', 'otel_genai'];

export interface Body {
  readonly json: Buffer;
  readonly spans: number;
}

export interface Traffic {
  readonly bodies: Body[];
  readonly spans: number;
  readonly bytes: number;
  /** Calls (LLM attempts) that failed, and all calls, as rendered. */
  readonly failedCalls: number;
  readonly calls: number;
}

const RATE_PER_SEC = 40;

/** About `spans` spans, a quarter per shape, in OTLP/JSON requests of at most `perRequest` spans. */
export function buildTraffic(spans: number, perRequest: number, seed: number): Traffic {
  const bodies: Body[] = [];
  let total = 0;
  let bytes = 0;
  let failedCalls = 0;
  let calls = 0;
  const perShape = Math.ceil(spans / SHAPES.length);
  const rendered = SHAPES.map((shape, i) => renderShape(shape, perShape, seed * 10 + i));
  // Interleave the shapes request by request, as a fleet of gateways would send them.
  const requests = rendered.map((r) => chunk(r, perRequest));
  for (let k = 0; requests.some((r) => k < r.length); k++) {
    for (const r of requests) {
      if (k >= r.length) continue;
      const json = Buffer.from(JSON.stringify(encodeTracesJson(r[k])));
      bodies.push({ json, spans: r[k].length });
      total += r[k].length;
      bytes += json.byteLength;
      for (const s of r[k]) {
        if (!isCall(s)) continue;
        calls++;
        if (s.status.code === 2) failedCalls++;
      }
    }
  }
  return { bodies, spans: total, bytes, failedCalls, calls };
}

function renderShape(shape: Shape, spans: number, seed: number): OtlpSpan[] {
  const engine: Engine = shape === 'litellm_2025' ? 'litellm' : shape;
  // About three spans per request; generate a little more and cut at a request boundary below.
  const duration = Math.ceil(spans / 3 / RATE_PER_SEC) + 5;
  const scenario = Scenario.parse({
    name: 'full-chain-load',
    title: 'Load',
    story: 'Ordinary production traffic with captured content and a trickle of provider errors.',
    seed,
    duration_secs: duration,
    traffic: {
      rate_per_sec: RATE_PER_SEC,
      engine,
      rag_share: 0.25,
      evaluated_share: 0.2,
      hallucination_share: 0.05,
      rate_limit_scale: 1000,
    },
    faults: [
      { kind: 'error', error: 'rate_limited', share: 0.02 },
      { kind: 'error', error: 'overloaded', share: 0.015 },
      { kind: 'error', error: 'timeout', share: 0.01 },
      { kind: 'error', error: 'context_overflow', share: 0.005 },
      { kind: 'prompt_injection', at_secs: 0, share: 0.02, guardrail_share: 0.25 },
    ],
  });
  let out = renderSpans(generate(scenario));
  if (shape === 'litellm_2025') out = as2025(out);
  return out.slice(0, spans);
}

/**
 * LiteLLM v1 as of 2025: with the proxy span present no litellm_request was created, and the LLM
 * attributes, events and status went onto "Received Proxy Server Request" itself. Requests with
 * one attempt take that shape; retried ones keep their attempt spans.
 */
function as2025(spans: OtlpSpan[]): OtlpSpan[] {
  const attemptsByParent = new Map<string, OtlpSpan[]>();
  for (const s of spans) {
    if (s.name !== 'litellm_request') continue;
    const list = attemptsByParent.get(s.parentSpanId) ?? [];
    list.push(s);
    attemptsByParent.set(s.parentSpanId, list);
  }
  const folded = new Map<string, OtlpSpan>();
  for (const list of attemptsByParent.values()) if (list.length === 1) folded.set(list[0].spanId, list[0]);
  const out: OtlpSpan[] = [];
  for (const s of spans) {
    if (folded.has(s.spanId)) continue;
    const attempt = s.name === 'Received Proxy Server Request' ? attemptsByParent.get(s.spanId) : undefined;
    if (attempt !== undefined && attempt.length === 1) {
      const a = attempt[0];
      out.push({ ...s, attributes: { ...s.attributes, ...a.attributes }, events: [...s.events, ...a.events], status: a.status });
    } else if (folded.has(s.parentSpanId)) {
      out.push({ ...s, parentSpanId: folded.get(s.parentSpanId)!.parentSpanId });
    } else out.push(s);
  }
  return out;
}

/** Spans that carry an LLM call (the attempt spans of every shape). */
function isCall(s: OtlpSpan): boolean {
  return 'gen_ai.request.model' in s.attributes || 'llm.model_name' in s.attributes;
}

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** The same requests with other trace ids (the first four hex digits replaced), for another pass. */
export function retrace(body: Body, pass: number): Body {
  const prefix = (pass & 0xffff).toString(16).padStart(4, '0');
  const json = Buffer.from(body.json.toString('latin1').replace(/"traceId":"[0-9a-f]{4}/g, `"traceId":"${prefix}`), 'latin1');
  return { json, spans: body.spans };
}
