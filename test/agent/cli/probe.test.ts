// faultline probe against a local server that answers like a provider (latency spread, every
// tenth request a 429), recording into a real OTLP receiver.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.ts';
import { startReceiver, type ReceiverUnderTest } from '../receivers/otlp/receiver-under-test.ts';

let provider: FakeProvider | null = null;
let agent: ReceiverUnderTest | null = null;
afterEach(async () => {
  await provider?.close();
  await agent?.stop();
  provider = null;
  agent = null;
});

describe('faultline probe', () => {
  it('sends the requests, prints the summary and records every call, marked synthetic, at the agent', async () => {
    provider = await startFakeProvider({ rateLimitEvery: 10, medianMs: 15 });
    agent = await startReceiver({ grpc: false });
    const { code, stdout, stderr } = await runCli([
      'probe',
      '--target',
      provider.url,
      '--model',
      'claude-sonnet-4-5',
      '--requests',
      '60',
      '--concurrency',
      '6',
      '--otlp',
      agent.httpUrl,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(provider.requests).toHaveLength(60);
    expect(stdout).toMatch(/requests\s+60 in [\d.]+ s/);
    expect(stdout).toMatch(/succeeded\s+54 \(90\.0 %\)/);
    expect(stdout).toMatch(/failed\s+6: HTTP 429 ×6/);
    expect(stdout).toMatch(/latency p50 \/ p95 \/ p99\s+\d+ ms \/ \d+ ms \/ \d+ ms/);
    expect(stdout).toContain('60 calls recorded as anthropic claude-sonnet-4-5 (synthetic)');
    const spans = agent.sink.spans();
    expect(spans).toHaveLength(60);
    expect(spans.every((s) => s.attributes['faultline.synthetic'] === true && s.attributes['gen_ai.provider.name'] === 'anthropic')).toBe(
      true,
    );
    expect(spans.filter((s) => s.attributes['http.response.status_code'] === 429)).toHaveLength(6);
  });

  it('only measures with --no-record', async () => {
    provider = await startFakeProvider();
    const { code, stdout } = await runCli(['probe', '-t', provider.url, '-m', 'gpt-4o', '-n', '5', '--no-record']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/succeeded\s+5 \(100\.0 %\)/);
    expect(stdout).not.toContain('recorded');
  });

  it('says what is wrong with its options, and when nothing answers', async () => {
    const missing = await runCli(['probe', '--model', 'gpt-4o']);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'faultline probe: give --target URL (an OpenAI-compatible endpoint, e.g. http://127.0.0.1:4000)\n',
    ]);
    const count = await runCli(['probe', '-t', 'http://127.0.0.1:1', '-m', 'gpt-4o', '-n', 'lots']);
    expect(count.stderr).toBe('faultline probe: --requests must be a whole number from 1 to 1000000, got "lots"\n');
    const down = await runCli(['probe', '-t', 'http://127.0.0.1:1', '-m', 'gpt-4o', '-n', '2', '--no-record']);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/no answer from http:\/\/127\.0\.0\.1:1: connection_error/);
  });
});
