import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readyFields } from '../../../agent/cli/ready-fields.ts';
import { registry } from '../../../agent/registry.ts';
import { parseConfig } from '../../../config/load.ts';

const config = parseConfig(
  `
receivers: { otlp: {} }
processors: { normalize: {} }
exporters:
  postgres: {}
  postgres/archive: { spill: { path: ./archive/spill.sqlite } }
  postgres/unused: {}
storage: { embedded: { data_dir: ./pgdata } }
service:
  pipelines:
    a: { receivers: [otlp], processors: [normalize], exporters: [postgres] }
    b: { receivers: [otlp], exporters: [postgres/archive] }
`,
  registry,
);

describe('readyFields', () => {
  it('names the bundled PostgreSQL by its data directory and the files of each component in use by their full paths', () => {
    const fields = readyFields({
      config,
      receiver: () => undefined,
      api: { host: '127.0.0.1', port: 8080 },
      metrics: { host: '::', port: 9464 },
      storage: { bundled: true, redactedUrl: 'postgres://faultline:***@127.0.0.1:5432/faultline' },
    });
    expect(fields).toEqual({
      pipelines: ['a', 'b'],
      receivers: {},
      api: 'http://127.0.0.1:8080/api/v1/',
      metrics: 'http://[::]:9464/metrics',
      storage: { kind: 'bundled', data_dir: resolve('pgdata') },
      files: { postgres: { spill: resolve('data/spill/postgres.sqlite') }, 'postgres/archive': { spill: resolve('archive/spill.sqlite') } },
    });
  });

  it('names an external database by its redacted URL', () => {
    const fields = readyFields({
      config,
      receiver: () => undefined,
      api: null,
      metrics: null,
      storage: { bundled: false, redactedUrl: 'postgres://app:***@db.internal:5432/faultline' },
    });
    expect(fields.storage).toEqual({ kind: 'external', database: 'postgres://app:***@db.internal:5432/faultline' });
    expect(fields.api).toBeNull();
    expect(fields.metrics).toBeNull();
  });
});
