import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';

describe('faultline CLI', () => {
  it.each(['run', 'validate', 'classify', 'migrate', 'components', 'schema'])('prints help for %s and exits 0', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: faultline ${command}`));
  });

  it('lists the commands with --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'validate', 'classify', 'migrate', 'components', 'schema']) expect(r.stdout).toContain(`  ${c}`);
  });

  it('rejects an unknown command with exit code 1', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it('rejects an unknown option with exit code 1 and points at --help', async () => {
    const r = await runCli(['validate', '--nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown option '--nope'[\s\S]*faultline validate --help/);
  });

  it('prints the configuration reference generated from the schemas', async () => {
    const r = await runCli(['components', '--markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### processors.trace_assembler');
    expect(r.stdout).toContain('| `wait_ms` | integer | `2000` |');
    expect(r.stdout).toContain('### receivers.otlp');
  });

  it('prints the FailureEvent JSON Schema with one branch per category', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { oneOf: { properties: { category: { const: string } } }[] };
    expect(schema.oneOf.map((b) => b.properties.category.const).sort()).toEqual(['cost', 'data', 'provider', 'quality', 'security']);
  });
});
