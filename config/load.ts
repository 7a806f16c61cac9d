// Reading agent.yaml: YAML → env expansion → top-level shape → per-component schemas. Every
// problem is collected and thrown as one ConfigError, before any socket opens.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../agent/errors.ts';
import { expandEnv } from './expand-env.ts';
import { resolveComponents, type ResolvedConfig } from './resolve.ts';
import { AgentConfigShape } from './schema.ts';
import { toConfigIssues } from './zod-issues.ts';
import type { ComponentFactory } from '../agent/component.ts';

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Name used in messages; defaults to the path. */
  source?: string;
}

export function loadConfigFile(path: string, factories: readonly ComponentFactory[], options: LoadOptions = {}): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([{ path: '', message: `cannot read the configuration (${reason}); pass --config FILE` }], path);
  }
  return parseConfig(text, factories, { source: path, ...options });
}

export function parseConfig(text: string, factories: readonly ComponentFactory[], options: LoadOptions = {}): ResolvedConfig {
  const source = options.source ?? 'agent.yaml';
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { path: '', message: `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${e.message.split('\n')[0]}` };
      }),
      source,
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const issues: ConfigIssue[] = [];
  const expanded = expandEnv(raw, options.env ?? process.env, issues);
  const shape = AgentConfigShape.safeParse(expanded);
  if (!shape.success) issues.push(...toConfigIssues(shape.error, expanded, []));
  const resolved = shape.success ? resolveComponents(shape.data, factories, issues) : null;
  if (issues.length > 0 || !resolved) throw new ConfigError(withLines(issues, doc, lines), source);
  return resolved;
}

/** Prefixes each issue with the line of the YAML node it names, when there is one. */
export function withLines(issues: ConfigIssue[], doc: ReturnType<typeof parseDocument>, lines: LineCounter): ConfigIssue[] {
  return issues.map((issue) => {
    if (!issue.path) return issue;
    const keys = issue.path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
    for (let n = keys.length; n > 0; n--) {
      const node = doc.getIn(
        keys.slice(0, n).map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
        true,
      ) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) {
        const { line } = lines.linePos(node.range[0]);
        return { ...issue, message: `${issue.message} (line ${line})` };
      }
    }
    return issue;
  });
}
