import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../support/cli.ts';
import { startReceiver } from '../../receivers/otlp/receiver-under-test.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-replay-'));

const scenario = (expectations: string) => `
name: tiny-outage
title: Tiny outage
story: OpenAI fails for a minute.
seed: 3
duration_secs: 150
traffic: { rate_per_sec: 2, models: [{ model: gpt-4o }] }
faults:
  - { kind: error, error: outage, at_secs: 30, until_secs: 90 }
${expectations}
`;

describe('faultline replay', () => {
  it('prints the timeline with the MTTD of each detection, from the first failing span', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(
      file,
      scenario('expectations: { detections: [{ category: provider, subtype: outage, provider: openai, within_secs: 10 }] }'),
    );
    const { code, stdout } = await runCli(['replay', '--scenario', file, '--check']);
    expect(stdout).toMatch(/first failing span at \+3\d\.\ds/);
    expect(stdout).toMatch(/opened\s+provider\/outage\s+openai gpt-4o\s+P\d {2}MTTD \d+\.\ds/);
    expect(stdout).toContain('check: 1 passed, 0 failed');
    expect(code).toBe(0);
  });

  it('exits 4 and names the miss when an expectation is not met', async () => {
    const file = join(dir, 'miss.yaml');
    writeFileSync(
      file,
      scenario(
        'expectations: { detections: [{ category: provider, subtype: rate_limited, provider: openai }], absent: [{ category: provider, subtype: outage }] }',
      ),
    );
    const { code, stdout } = await runCli(['replay', '--scenario', file, '--check']);
    expect(stdout).toContain('MISS  provider/rate_limited openai: not detected');
    expect(stdout).toMatch(/MISS {2}no provider\/outage: \d+ events/);
    expect(code).toBe(4);
  });

  it('scores the predictor over scenarios and seeds, with recall again without the failures a scenario declares sudden', async () => {
    const file = join(dir, 'sudden.yaml');
    writeFileSync(
      file,
      scenario('expectations: { no_predictions: [{ failure_type: outage, provider: openai, why: a sudden outage has no precursor }] }'),
    );
    const { code, stdout } = await runCli(['replay', '--predictions', '--scenario', `${file},rate-limit-exhaustion`, '--seeds', '1-2']);
    expect(stdout).toMatch(/tiny-outage\s+seed {2}1 {2}outage: 1 missed/);
    expect(stdout).toMatch(/rate-limit-exhaustion\s+seed {2}2 {2}rate_limited: 1 confirmed \(lead \d+s\)/);
    expect(stdout).toMatch(
      /overall: recall 0\.50, precision 1\.00, median lead \d+s \(2 confirmed, 0 false alarms, 2 missed\) over 2 scenarios × 2 seeds/,
    );
    expect(stdout).toContain(
      'with a precursor: recall 1.00 (2 of 2), leaving out 2 missed failures their scenario declares sudden (no_predictions at any score: tiny-outage)',
    );
    expect(code).toBe(0);
  });

  it('lists pending expectations without evaluating them', async () => {
    const file = join(dir, 'pending.yaml');
    writeFileSync(file, scenario('pending_expectations: [{ category: quality, subtype: hallucination, needs: quality detectors }]'));
    const { code, stdout } = await runCli(['replay', '--scenario', file, '--check']);
    expect(stdout).toContain('1 expectation pending (not evaluated):');
    expect(stdout).toContain('pending  quality/hallucination: needs quality detectors');
    expect(code).toBe(0);
  });

  it("merges a scenario's detectors settings over the configuration: a collection's stale limit turns stale_index on", async () => {
    const stale = (detectors: string) => `
name: tiny-stale
title: Tiny stale index
story: The index stops refreshing after a minute.
seed: 5
duration_secs: 180
traffic: { rate_per_sec: 2, rag_share: 1, models: [{ model: gpt-4o-mini }] }
faults:
  - { kind: stale_index, at_secs: 60, age_days: 40 }
${detectors}
expectations: { detections: [{ category: data, subtype: stale_index, within_secs: 30 }] }
`;
    const withLimit = join(dir, 'stale.yaml');
    writeFileSync(
      withLimit,
      stale('detectors: { data: { stale_index: { collections: [{ collection: kb-articles, max_age_ms: 604800000 }] } } }'),
    );
    const on = await runCli(['replay', '--scenario', withLimit, '--check']);
    expect(on.stdout).toMatch(/ok {4}data\/stale_index: MTTD \d+\.\ds/);
    expect(on.code).toBe(0);
    // Without the setting the check is off (how old is too old depends on the content).
    const without = join(dir, 'stale-off.yaml');
    writeFileSync(without, stale(''));
    const off = await runCli(['replay', '--scenario', without, '--check']);
    expect(off.stdout).toContain('MISS  data/stale_index: not detected');
    expect(off.code).toBe(4);
    const wrong = join(dir, 'stale-bad.yaml');
    writeFileSync(wrong, stale('detectors: { data: { stale_index: { max_age_ms: -5 } } }'));
    const bad = await runCli(['replay', '--scenario', wrong]);
    expect(bad.stderr).toMatch(/tiny-stale: 1 configuration problem:\n {2}detectors\.data\.stale_index\.max_age_ms: /);
    expect(bad.code).toBe(1);
  });

  it('reports a bad scenario with the path and line of each problem', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\ntitle: Bad\nstory: x\nduration_secs: 60\nfaults:\n  - kind: error\n    error: melted\n  - kind: volume\n    multiplier: 5\n    match: { model: gpt-9 }\n',
    );
    const { code, stderr } = await runCli(['replay', '--scenario', file]);
    expect(stderr).toMatch(/faults\[0\]\.error: expected one of .*"outage".*got "melted" \(line 7\)/);
    expect(code).toBe(1);
  });

  it('replays recorded OTLP files written by simulate, detecting the same failures', async () => {
    const file = join(dir, 'outage.jsonl');
    expect((await runCli(['simulate', '--scenario', 'provider-outage', '--duration', '200', '--output', file])).code).toBe(0);
    const { code, stdout } = await runCli(['replay', file]);
    expect(stdout).toMatch(/opened\s+provider\/outage\s+openai/);
    expect(code).toBe(0);
  });

  it('streams a scenario to a running agent with --target instead of replaying in process', async () => {
    const receiver = await startReceiver({ grpc: false });
    try {
      const { code, stdout } = await runCli(['replay', '--scenario', 'anthropic-overload', '--target', receiver.httpUrl, '--speed', 'max']);
      const sent = Number(/^(\d+) spans sent to /.exec(stdout)![1]);
      expect(sent).toBeGreaterThan(1000);
      expect(receiver.sink.spans()).toHaveLength(sent);
      expect(code).toBe(0);
    } finally {
      await receiver.stop();
    }
  });
});
