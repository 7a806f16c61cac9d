// `npm run bench impact`: what the impact processor costs. Simulated scenarios run once through
// the chain before it (agent.yaml's processors up to incidents), their output regrouped into the
// batches the pipeline passed on; then the impact processor alone processes those batches, fresh
// each round. Prints µs per failure event (everything the batch carried divided by its events:
// calls, SLO updates and incidents included) and per call, then that time split: the calls alone
// (traffic, prices and spend accounting, paid per call), and the rest (assessing failures,
// incidents, clusters, SLO budget, per event). It measures; it does not assert.
import pino from 'pino';
import { createNoopMeter } from '@opentelemetry/api';
import { loadConfigFile } from '../../config/load.ts';
import { createBackpressure } from '../../agent/core/backpressure.ts';
import { createManualTime } from '../../agent/core/clock.ts';
import type { AgentConfig } from '../../agent/core/component.ts';
import { createHealth } from '../../agent/core/health.ts';
import { createBatch, type Batch } from '../../agent/core/model/batch.ts';
import { registry } from '../../agent/registry.ts';
import { runOffline } from '../../agent/tools/offline.ts';
import { generate } from '../../agent/tools/simulate/generate.ts';
import { loadBuiltInScenario } from '../../agent/tools/simulate/load-scenario.ts';
import { renderSpans } from '../../agent/tools/simulate/render.ts';
import impact from '../../processors/impact/index.ts';
import { soloLeadership } from '../../agent/core/leadership.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const log = (line = '') => process.stdout.write(`${line}\n`);
const LANES = ['calls', 'events', 'slos', 'incidents'] as const;

const agentConfig = loadConfigFile('agent.yaml', registry, { env: process.env });
const upstream: AgentConfig = {
  ...agentConfig,
  pipelines: Object.fromEntries(
    Object.entries(agentConfig.pipelines).map(([name, p]) => [name, { ...p, processors: p.processors.filter((id) => id !== 'impact') }]),
  ),
};

/** The batches impact would have received: the upstream output, regrouped by the event time it came out at. */
async function batchesOf(scenarioName: string): Promise<{ batches: Batch[]; events: number; calls: number; startMs: number }> {
  const sim = generate(loadBuiltInScenario(scenarioName));
  const out = await runOffline(renderSpans(sim), [], upstream, { keep: LANES, tailMs: 600_000 });
  const byTime = new Map<number, Record<string, unknown[]>>();
  for (const lane of LANES)
    for (const { item, emittedAtMs } of out.emitted(lane)) {
      let b = byTime.get(emittedAtMs);
      if (!b) byTime.set(emittedAtMs, (b = {}));
      (b[lane] ??= []).push(item);
    }
  const batches = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, lanes]) => createBatch(lanes as Partial<Batch>));
  return { batches, events: out.emitted('events').length, calls: out.emitted('calls').length, startMs: sim.startMs };
}

async function processorAt(startMs: number) {
  const time = createManualTime(startMs);
  const p = await impact.create(impact.configSchema.parse({}), {
    id: 'impact',
    mode: 'live',
    leadership: soloLeadership(),
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    database: null,
    meter: createNoopMeter(),
    backpressure: createBackpressure(),
    health: createHealth(),
    emit: async () => {},
  });
  await p.start?.();
  return p;
}

/**
 * Median ms of ROUNDS rounds, each a fresh processor through all the batches, after WARMUP rounds
 * not counted (the agent is a daemon: its cost is the optimised code's, not the first compiles');
 * and the impacts the last round put out.
 */
async function medianMs(batches: Batch[], startMs: number): Promise<{ ms: number; impacts: number }> {
  const perRound: number[] = [];
  let impacts = 0;
  for (let round = -WARMUP; round < ROUNDS; round++) {
    const p = await processorAt(startMs);
    impacts = 0;
    const start = performance.now();
    for (const b of batches) impacts += (await p.process(b)).impacts.length;
    if (round >= 0) perRound.push(performance.now() - start);
  }
  perRound.sort((a, b) => a - b);
  return { ms: perRound[Math.floor(perRound.length / 2)], impacts };
}

const us = (ms: number, n: number) => ((ms * 1000) / n).toFixed(2);

for (const name of ['provider-outage', 'cost-explosion', 'team-budget-breach']) {
  const { batches, events, calls, startMs } = await batchesOf(name);
  const { ms, impacts } = await medianMs(batches, startMs);
  // The same batches with their calls only: what counting traffic, prices and spend costs, which
  // every call pays whether or not anything failed. The rest is assessing failures, incidents and SLOs.
  const accounting = (
    await medianMs(
      batches.map((b) => createBatch({ calls: b.calls })),
      startMs,
    )
  ).ms;
  log(
    `  ${name.padEnd(20)} impact cost per event ${us(ms, events).padStart(6)} µs (target ≤ 5 µs)` +
      `, per call ${us(ms, calls)} µs; ${events} events, ${calls} calls, ${batches.length} batches, ` +
      `${impacts} impacts out (median of ${ROUNDS} after ${WARMUP} warm-up rounds)`,
  );
  log(
    `  ${''.padEnd(20)} split: call accounting ${us(accounting, calls)} µs per call (${us(accounting, events)} µs per event), ` +
      `assessment ${us(ms - accounting, events)} µs per event`,
  );
}
