// A bug on the timer path costs only what it touches: a processor after trace_assembler that
// throws on one span of a release loses that span's trace, not the release, and not the agent;
// a timer that throws is logged, counted and keeps its schedule.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveTime, createManualTime } from '../../../../agent/core/clock.ts';
import { createBatch } from '../../../../agent/core/model/batch.ts';
import { buildPipelines } from '../../../../agent/core/pipeline/build.ts';
import { createAgentTelemetry, type AgentTelemetry } from '../../../../agent/telemetry/agent-telemetry.ts';
import { parseScrape } from '../../../exporters/prometheus/parse-scrape.ts';
import { registry } from '../../../../agent/registry.ts';
import { parseConfig } from '../../../../config/load.ts';
import { llmCall } from '../../../support/llm-call-builder.ts';
import { createTestComponents } from '../../../support/test-components.ts';

const T0 = 1_767_225_600_000;
const trace = (n: number) => String(n).repeat(32);
const span = (t: number, s: number) => `${t}${s}`.padEnd(16, '0');
const call = (t: number, s: number) => llmCall({ traceId: trace(t), spanId: span(t, s), startMs: T0, endMs: T0 + 100 });

const stopAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stopAfter.splice(0)) await stop();
});

async function startAgent(yaml: string) {
  const t = createTestComponents();
  const config = parseConfig(yaml, [...registry, ...t.factories]);
  const logger = pino({ level: 'silent' });
  const time = createManualTime(T0);
  const telemetry: AgentTelemetry = createAgentTelemetry({ enabled: true, endpoint: '127.0.0.1:0' }, logger);
  await telemetry.start();
  const pipelines = await buildPipelines(config, { logger, clock: time.clock, scheduler: time.scheduler, meter: telemetry.meter });
  telemetry.observe(pipelines, ['test_receiver']);
  await pipelines.start();
  stopAfter.push(async () => {
    await pipelines.shutdown();
    time.stop();
    await telemetry.shutdown();
  });
  const errors = async (component: string, stage: string) => {
    const samples = parseScrape(await telemetry.scrape());
    const hit = samples.find(
      (s) => s.name === 'faultline_component_errors_total' && s.labels.component === component && s.labels.stage === stage,
    );
    expect(hit, `errors of ${component} at stage ${stage}`).toBeDefined();
    return hit!.value;
  };
  return { ...t, pipelines, time, errors };
}

const exportedSpans = (batches: { calls: readonly { source: { spanId: string } }[] }[]) =>
  batches.flatMap((b) => b.calls.map((c) => c.source.spanId)).sort();

describe('a processor that throws on a released span', () => {
  const yaml = `
receivers: { test_receiver: }
processors:
  trace_assembler: { wait_ms: 1000, flush_interval_ms: 100 }
  test_thrower: { span_id: "${span(2, 1)}" }
exporters: { test_exporter: }
service:
  pipelines:
    main: { receivers: [test_receiver], processors: [trace_assembler, test_thrower], exporters: [test_exporter] }
`;

  it('loses only the trace it failed on: the other spans of that release reach the exporters', async () => {
    const agent = await startAgent(yaml);
    // Three traces of two spans each, held by trace_assembler and released together by its timer.
    const calls = [1, 2, 3].flatMap((t) => [call(t, 1), call(t, 2)]);
    await agent.consumer('test_receiver')(createBatch({ calls }));
    expect(agent.exported('test_exporter')).toEqual([]);

    await agent.time.advanceTo(T0 + 1_500);

    expect(exportedSpans(agent.exported('test_exporter'))).toEqual([span(1, 1), span(1, 2), span(3, 1), span(3, 2)]);
    expect(await agent.errors('test_thrower', 'process')).toBe(1);
    // The release itself did not fail: the timer path handled the failure where it happened.
    expect(await agent.errors('trace_assembler', 'timer')).toBe(0);
    expect(agent.pipelines.inflightItems()).toBe(0);
  });

  it('keeps running: later traces still go through', async () => {
    const agent = await startAgent(yaml);
    await agent.consumer('test_receiver')(createBatch({ calls: [call(2, 1), call(2, 2)] }));
    await agent.time.advanceTo(T0 + 1_500);
    expect(agent.exported('test_exporter')).toEqual([]);
    expect(await agent.errors('test_thrower', 'process')).toBe(1);

    await agent.consumer('test_receiver')(createBatch({ calls: [call(4, 1)] }));
    await agent.time.advanceTo(T0 + 3_000);
    expect(exportedSpans(agent.exported('test_exporter'))).toEqual([span(4, 1)]);
  });

  it('fails the request instead when the same span arrives on the request path (the sender retries)', async () => {
    const agent = await startAgent(`
receivers: { test_receiver: }
processors: { test_thrower: { span_id: "${span(2, 1)}" } }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], processors: [test_thrower], exporters: [test_exporter] } } }
`);
    await expect(agent.consumer('test_receiver')(createBatch({ calls: [call(1, 1), call(2, 1)] }))).rejects.toThrow(/cannot take span/);
    expect(agent.exported('test_exporter')).toEqual([]);
    expect(await agent.errors('test_thrower', 'process')).toBe(1);
  });
});

describe('a timer that throws', () => {
  it('is counted under the component with stage="timer" and keeps firing', async () => {
    const agent = await startAgent(`
receivers: { test_receiver: }
processors: { test_failing_timer: { interval_ms: 1000 } }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], processors: [test_failing_timer], exporters: [test_exporter] } } }
`);
    await agent.time.advanceTo(T0 + 1_000);
    await agent.time.advanceTo(T0 + 2_000);
    await agent.time.advanceTo(T0 + 3_000);
    expect(agent.events.filter((e) => e === 'fire test_failing_timer')).toHaveLength(3);
    expect(await agent.errors('test_failing_timer', 'timer')).toBe(3);
    expect(await agent.errors('test_failing_timer', 'process')).toBe(0);
  });

  it('once (after) on manual time, goes to the error handler and the clock moves on', async () => {
    const seen: string[] = [];
    const time = createManualTime(0, { onError: (err) => seen.push((err as Error).message) });
    time.scheduler.after(500, () => {
      throw new Error('one-shot broke');
    });
    await time.advanceTo(1_000);
    expect(seen).toEqual(['one-shot broke']);
    expect(time.clock.now()).toBe(1_000);
  });

  it('on live time, goes to the error handler instead of crashing the process', async () => {
    const seen: unknown[] = [];
    let twice: () => void = () => {};
    const handled = new Promise<void>((resolve) => (twice = resolve));
    const time = createLiveTime({
      onError: (err) => {
        seen.push(err);
        if (seen.length === 2) twice();
      },
    });
    let n = 0;
    time.scheduler.every(5, async () => {
      n++;
      throw new Error(`rejected ${n}`);
    });
    await handled;
    time.stop();
    expect(seen.map((e) => (e as Error).message)).toEqual(['rejected 1', 'rejected 2']);
  });
});
