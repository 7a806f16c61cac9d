import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.ts';
import { parseConfig } from '../../config/load.ts';
import ndjson from '../../exporters/ndjson/index.ts';
import traceAssembler from '../../processors/trace-assembler/index.ts';
import { createTestComponents } from '../support/test-components.ts';

const factories = [...createTestComponents().factories, traceAssembler, ndjson];

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, factories, { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}

const VALID = `
receivers: { test_receiver: }
processors: { trace_assembler: { wait_ms: 1500 } }
exporters: { ndjson: { path: "-" } }
service: { pipelines: { main: { receivers: [test_receiver], processors: [trace_assembler], exporters: [ndjson] } } }
`;

describe('configuration loading', () => {
  it('resolves each component with its own schema defaults', () => {
    const config = parseConfig(VALID, factories, { env: {} });
    expect(config.components.get('processor:trace_assembler')?.config).toEqual({
      wait_ms: 1500,
      flush_interval_ms: 250,
      max_traces: 20_000,
      max_items_per_trace: 1_000,
      max_batch_items: 256,
    });
    expect(config.service.shutdown_timeout_ms).toBe(15_000);
  });

  it('reports a unit mistake with its path, the unit expected and the value given', () => {
    const yaml = VALID.replace('wait_ms: 1500', 'wait_ms: "30s"');
    expect(problems(yaml)).toEqual(['processors.trace_assembler.wait_ms: expected a positive integer (milliseconds), got "30s" (line 3)']);
  });

  it('reports every problem at once, each with its path', () => {
    const yaml = `
receivers: { test_receiver: , bogus: {} }
processors: { trace_assembler: { wait_ms: -1, colour: blue } }
exporters: { ndjson: { lanes: [calls, nonsense] } }
service:
  pipelines:
    main: { receivers: [test_receiver], processors: [trace_assembler, correlator], exporters: [ndjson, postgres] }
`;
    const found = problems(yaml);
    expect(found).toHaveLength(6);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^receivers\.bogus: unknown receiver type "bogus"; known types: test_receiver/),
        expect.stringMatching(/^processors\.trace_assembler\.wait_ms: expected a positive integer \(milliseconds\), got -1/),
        expect.stringMatching(/^processors\.trace_assembler\.colour: unknown key/),
        expect.stringMatching(
          /^exporters\.ndjson\.lanes\[1\]: expected one of "events", .*, "baselines", "correlations", "slos", "impacts", "predictions", "circuits", got "nonsense"/,
        ),
        expect.stringMatching(
          /^service\.pipelines\.main\.processors\[1\]: references processor "correlator", which is not defined under processors/,
        ),
        expect.stringMatching(
          /^service\.pipelines\.main\.exporters\[1\]: references exporter "postgres", which is not defined under exporters/,
        ),
      ]),
    );
  });

  it('rejects unknown top-level keys and a missing service section', () => {
    expect(problems('recievers: {}\n')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^recievers: unknown key/),
        expect.stringMatching(/^service: required: expected a mapping/),
      ]),
    );
  });

  it('rejects a malformed component id', () => {
    expect(problems(VALID.replace('ndjson: { path: "-" }', 'NDJSON/x/y: {}'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^exporters\.NDJSON\/x\/y: expected an id of the form `type` or `type\/name`/)]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('receivers: {\n  otlp: [\n')[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('expands ${env:VAR} and reads a whole reference as a YAML scalar', () => {
    const yaml = VALID.replace('wait_ms: 1500', 'wait_ms: "${env:WAIT}"').replace('path: "-"', 'path: "${env:DIR:-/tmp}/calls.ndjson"');
    const config = parseConfig(yaml, factories, { env: { WAIT: '2500' } });
    expect(config.components.get('processor:trace_assembler')?.config).toMatchObject({ wait_ms: 2500 });
    expect(config.components.get('exporter:ndjson')?.config).toMatchObject({ path: '/tmp/calls.ndjson' });
  });

  it('reports a missing environment variable that has no default', () => {
    expect(problems(VALID.replace('path: "-"', 'path: "${env:OUT_FILE}"'))).toEqual([
      'exporters.ndjson.path: environment variable OUT_FILE is not set; set it, or give a default with ${env:OUT_FILE:-default} (line 4)',
    ]);
  });

  it('keeps $$ as a literal dollar sign', () => {
    const config = parseConfig(VALID.replace('path: "-"', 'path: "/tmp/$$HOME.ndjson"'), factories, { env: {} });
    expect(config.components.get('exporter:ndjson')?.config).toMatchObject({ path: '/tmp/$HOME.ndjson' });
  });

  it('warns about components no pipeline uses', () => {
    const config = parseConfig(
      VALID.replace('exporters: { ndjson: { path: "-" } }', 'exporters: { ndjson: { path: "-" }, ndjson/spare: {} }'),
      factories,
      { env: {} },
    );
    expect(config.warnings).toEqual(['exporters.ndjson/spare is defined but not used by any pipeline']);
  });
});

describe('service.telemetry.logs.encoding', () => {
  const withEncoding = (encoding: string) => VALID.replace('service: {', `service: { telemetry: { logs: { encoding: ${encoding} } },`);

  it('takes console or json, and leaves the choice to the terminal when unset', () => {
    expect(parseConfig(withEncoding('console'), factories, { env: {} }).service.telemetry.logs.encoding).toBe('console');
    expect(parseConfig(withEncoding('json'), factories, { env: {} }).service.telemetry.logs.encoding).toBe('json');
    expect(parseConfig(VALID, factories, { env: {} }).service.telemetry.logs.encoding).toBeUndefined();
  });

  it('rejects any other encoding, naming the path', () => {
    expect(problems(withEncoding('pretty'))[0]).toMatch(/^service\.telemetry\.logs\.encoding: .*console.*json/);
  });
});
