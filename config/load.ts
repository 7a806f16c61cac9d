// Reading agent.yaml: YAML → env expansion → top-level shape → per-component schemas. Every
// problem is collected and thrown as one ConfigError, before any socket opens.
import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from './errors.ts';
import { expandEnv } from './expand-env.ts';
import { resolveComponents, type ResolvedConfig } from './resolve.ts';
import { AgentConfigShape } from './schema.ts';
import { toConfigIssues } from './zod-issues.ts';
import { parseYamlDocument } from './yaml-document.ts';
import type { ComponentSpec } from './component-spec.ts';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Name used in messages; defaults to the path. */
  source?: string;
}

export function loadConfigFile<F extends ComponentSpec>(
  path: string,
  factories: readonly F[],
  options: LoadOptions = {},
): ResolvedConfig<F> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([{ path: '', message: `cannot read the configuration (${reason}); pass --config FILE` }], path);
  }
  return parseConfig(text, factories, { source: path, ...options });
}

export function parseConfig<F extends ComponentSpec>(text: string, factories: readonly F[], options: LoadOptions = {}): ResolvedConfig<F> {
  const source = options.source ?? 'agent.yaml';
  const yaml = parseYamlDocument(text, source);
  const raw = yaml.raw;
  const issues: ConfigIssue[] = [];
  const expanded = expandEnv(raw, options.env ?? process.env, issues);
  const shape = AgentConfigShape.safeParse(expanded);
  if (!shape.success) issues.push(...toConfigIssues(shape.error, expanded, []));
  const resolved = shape.success ? resolveComponents(shape.data, factories, issues) : null;
  if (issues.length > 0 || !resolved) throw new ConfigError(yaml.withLines(issues), source);
  return resolved;
}
