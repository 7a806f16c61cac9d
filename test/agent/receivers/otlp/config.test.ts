// One test per rule of the otlp receiver's config schema.
import { describe, expect, it } from 'vitest';
import otlpReceiverFactory from '../../../../agent/receivers/otlp/index.ts';
import { componentContract } from '../../../support/component-contract.ts';

const schema = otlpReceiverFactory.configSchema;
const issues = (input: unknown) => schema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('otlp receiver contract', () => componentContract(otlpReceiverFactory));

describe('otlp receiver config', () => {
  it('runs both protocols on localhost with 64 MiB limits by default', () => {
    expect(schema.parse({})).toEqual({
      protocols: {
        http: {
          endpoint: '127.0.0.1:4318',
          max_request_body_bytes: 67108864,
          max_concurrent_requests: 128,
          listen_backlog: 4096,
          read_header_timeout_ms: 10_000,
          read_timeout_ms: 60_000,
          idle_timeout_ms: 30_000,
        },
        grpc: { endpoint: '127.0.0.1:4317', max_recv_msg_size_bytes: 67108864 },
      },
      memory_limit_mib: null,
    });
  });

  it('disables a protocol that is left out', () => {
    expect(schema.parse({ protocols: { grpc: { endpoint: '0.0.0.0:4317' } } }).protocols).toEqual({
      grpc: { endpoint: '0.0.0.0:4317', max_recv_msg_size_bytes: 67108864 },
    });
  });

  it('enables a protocol written with no value (YAML `http:`) with its defaults', () => {
    expect(schema.parse({ protocols: { http: null } }).protocols.http).toEqual({
      endpoint: '127.0.0.1:4318',
      max_request_body_bytes: 67108864,
      max_concurrent_requests: 128,
      listen_backlog: 4096,
      read_header_timeout_ms: 10_000,
      read_timeout_ms: 60_000,
      idle_timeout_ms: 30_000,
    });
  });

  it('requires at least one protocol', () => {
    expect(issues({ protocols: {} })).toEqual(['protocols: enable at least one protocol: http, grpc or both']);
  });

  it('accepts port 0 and IPv6 endpoints', () => {
    expect(schema.safeParse({ protocols: { http: { endpoint: '127.0.0.1:0' }, grpc: { endpoint: '[::]:4317' } } }).success).toBe(true);
  });

  it('rejects an endpoint without a port or with a port out of range', () => {
    expect(issues({ protocols: { http: { endpoint: 'localhost' } } })).toEqual([
      'protocols.http.endpoint: expected "host:port", e.g. "0.0.0.0:4318"',
    ]);
    expect(issues({ protocols: { grpc: { endpoint: '0.0.0.0:70000' } } })).toEqual([
      'protocols.grpc.endpoint: port must be between 0 and 65535',
    ]);
  });

  it('rejects non-positive size limits and unknown keys inside a protocol', () => {
    expect(issues({ protocols: { http: { max_request_body_bytes: 0 } } })[0]).toMatch(/^protocols\.http\.max_request_body_bytes: /);
    expect(issues({ protocols: { grpc: { max_recv_msg_size_mib: 4 } } })[0]).toMatch(/^protocols\.grpc: .*max_recv_msg_size_mib/);
  });

  it('accepts memory_limit_mib 0 (check off) and rejects negatives', () => {
    expect(schema.parse({ memory_limit_mib: 0 }).memory_limit_mib).toBe(0);
    expect(issues({ memory_limit_mib: -1 })[0]).toMatch(/^memory_limit_mib: /);
  });

  it('rejects a whole-request timeout shorter than the header timeout, naming read_timeout_ms', () => {
    expect(issues({ protocols: { http: { read_header_timeout_ms: 5_000, read_timeout_ms: 1_000 } } })).toEqual([
      'protocols.http.read_timeout_ms: expected at least read_header_timeout_ms (5000), got 1000',
    ]);
    expect(issues({ protocols: { http: { idle_timeout_ms: 0 } } })[0]).toMatch(/^protocols\.http\.idle_timeout_ms: /);
  });
});
