// Objects that pass along the whole chain keep a few hidden classes. V8 gives every copy made by
// `{ ...obj, fieldItLacked }` a hidden class of its own, and each later read of any of its fields
// is then a megamorphic lookup in every processor downstream. This test fails when a processor
// adds a field that way (it found 846 classes for 969 LLM calls before normalize set `attempt`).
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../config/load.ts';
import { registry } from '../../../agent/registry.ts';
import { runOffline } from '../../../agent/tools/offline.ts';
import { generate } from '../../../agent/tools/simulate/generate.ts';
import { loadBuiltInScenario } from '../../../agent/tools/simulate/load-scenario.ts';
import { renderSpans } from '../../../agent/tools/simulate/render.ts';

v8.setFlagsFromString('--allow-natives-syntax');
const sameClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** Distinct hidden classes among `objects`, counting up to `cap`. */
function classes(objects: readonly object[], cap = 64): number {
  const seen: object[] = [];
  for (const o of objects) if (seen.length < cap && !seen.some((s) => sameClass(s, o))) seen.push(o);
  return seen.length;
}

const LANES = ['calls', 'events', 'incidents', 'impacts'] as const;

describe('hidden classes along the shipped chain', () => {
  for (const scenario of ['provider-outage', 'cost-explosion']) {
    it(`keeps calls, events, incidents and impacts to a few classes each (${scenario})`, async () => {
      const config = loadConfigFile('agent.yaml', registry, { env: process.env });
      const out = await runOffline(renderSpans(generate(loadBuiltInScenario(scenario))), [], config, { keep: LANES, tailMs: 600_000 });
      const calls = out.emitted('calls').map((x) => x.item);
      const llm = calls.filter((c) => c.kind === 'llm');
      expect(llm.length).toBeGreaterThan(500);
      expect(classes(llm)).toBeLessThanOrEqual(4);
      expect(classes(calls.filter((c) => c.kind === 'gateway_request'))).toBeLessThanOrEqual(4);
      for (const lane of ['events', 'incidents', 'impacts'] as const) {
        const items = out.emitted(lane).map((x) => x.item as object);
        expect(items.length, lane).toBeGreaterThan(20);
        expect(classes(items), lane).toBeLessThanOrEqual(4);
      }
    }, 60_000);
  }
});
