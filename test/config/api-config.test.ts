import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.ts';
import { parseConfig } from '../../config/load.ts';
import ndjson from '../../exporters/ndjson/index.ts';
import { runCli } from '../support/cli.ts';
import { createTestComponents } from '../support/test-components.ts';

const factories = [...createTestComponents().factories, ndjson];
const PIPELINE = `
receivers: { test_receiver: }
exporters: { ndjson: { path: "-" } }
service: { pipelines: { main: { receivers: [test_receiver], exporters: [ndjson] } } }
`;
const STORAGE = `storage: { url: "postgres://localhost/faultline" }\n`;

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, factories, { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('the api: section', () => {
  it('turns the API on by default when storage is configured, on loopback:8080 without auth', () => {
    const config = parseConfig(PIPELINE + STORAGE, factories, { env: {} });
    expect(config.api).toEqual({
      enabled: true,
      endpoint: '127.0.0.1:8080',
      auth: { bearer_token: '' },
      default_page_size: 100,
      max_page_size: 1000,
      read_header_timeout_ms: 10_000,
      read_timeout_ms: 60_000,
      idle_timeout_ms: 30_000,
    });
  });

  it('leaves the API off by default without storage', () => {
    expect(parseConfig(PIPELINE, factories, { env: {} }).api.enabled).toBe(false);
  });

  it('can be turned off with storage configured', () => {
    expect(parseConfig(PIPELINE + STORAGE + 'api: { enabled: false }\n', factories, { env: {} }).api.enabled).toBe(false);
  });

  it('rejects enabled: true without storage, saying what to do', () => {
    expect(problems(PIPELINE + 'api: { enabled: true }\n')).toEqual([
      'api.enabled: the API reads failure events from the database; add a `storage:` section or set api.enabled: false (line 5)',
    ]);
  });

  it('reads the token from the environment', () => {
    const config = parseConfig(PIPELINE + STORAGE + 'api: { auth: { bearer_token: "${env:API_TOKEN}" } }\n', factories, {
      env: { API_TOKEN: 'tok_abcdefghijklmnop' },
    });
    expect(config.api.auth.bearer_token).toBe('tok_abcdefghijklmnop');
  });

  it('rejects a short token without echoing it', () => {
    const [problem] = problems(PIPELINE + STORAGE + 'api: { auth: { bearer_token: "hunter2" } }\n');
    expect(problem).toMatch(/^api\.auth\.bearer_token: expected at least 16 characters/);
    expect(problem).not.toContain('hunter2');
  });

  it('reports unknown keys, a bad endpoint and a default page size over the maximum, each with its path', () => {
    expect(problems(PIPELINE + STORAGE + 'api: { endpoint: "localhost", default_page_size: 50, max_page_size: 10, tokn: x }\n')).toEqual([
      'api.endpoint: expected "host:port", e.g. "0.0.0.0:4318", got "localhost" (line 6)',
      'api.tokn: unknown key; check the spelling against the component reference (line 6)',
      'api.default_page_size: expected at most max_page_size (10), got 50 (line 6)',
    ]);
  });

  it('is reported by faultline validate with its path and line, like every other section', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'faultline-api-')), 'agent.yaml');
    writeFileSync(
      file,
      `receivers:\n  otlp: {}\nexporters:\n  ndjson: {}\nservice:\n  pipelines:\n    main: { receivers: [otlp], exporters: [ndjson] }\napi:\n  endpoint: "127.0.0.1:99999"\n`,
    );
    const r = await runCli(['validate', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('api.endpoint: port must be between 0 and 65535, got "127.0.0.1:99999" (line 9)');
  });
});
