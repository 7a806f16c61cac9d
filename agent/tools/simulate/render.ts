// Renders request plans as spans in the chosen engine's shapes, ordered by end time (the order a
// BatchSpanProcessor hands them to its exporter). Ties keep generation order, so the output is
// the same for the same seed.
import type { OtlpSpan } from '../../core/model/otlp.ts';
import type { Simulation } from './generate.ts';
import { requestEndMs } from './plan.ts';
import { renderAppSpans } from './render-app.ts';
import { renderLitellm } from './render-litellm.ts';
import { renderLitellmV2, renderOtelGenAi } from './render-other-engines.ts';
import type { Engine } from './scenario-schema.ts';

export function renderSpans(sim: Simulation, engine: Engine = sim.scenario.traffic.engine): OtlpSpan[] {
  const traffic = sim.scenario.traffic;
  const options = { content: traffic.content, numRetries: traffic.num_retries };
  const spans: OtlpSpan[] = [];
  for (const plan of sim.plans) {
    spans.push(...renderAppSpans(plan, requestEndMs(plan), traffic.content));
    if (engine === 'litellm') spans.push(...renderLitellm(plan, options));
    else if (engine === 'litellm_v2') spans.push(...renderLitellmV2(plan, options));
    else spans.push(...renderOtelGenAi(plan, options));
  }
  const order = spans.map((s, i) => ({ s, i }));
  order.sort((a, b) => (a.s.endTimeUnixNano < b.s.endTimeUnixNano ? -1 : a.s.endTimeUnixNano > b.s.endTimeUnixNano ? 1 : a.i - b.i));
  return order.map((x) => x.s);
}
