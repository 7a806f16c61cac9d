// YAML text → a document that remembers where each node was, so every later problem (schema,
// reference, expansion) can name its line. Shared by agent.yaml and scenario files.
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.ts';

export interface YamlDocument {
  /** The plain value ({} for an empty file). */
  readonly raw: unknown;
  /** Prefixes each issue with the line of the YAML node it names, when there is one. */
  withLines(issues: ConfigIssue[]): ConfigIssue[];
}

/** Parses YAML with unique keys; a syntax error throws ConfigError with line and column. */
export function parseYamlDocument(text: string, source: string): YamlDocument {
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
  return {
    raw: doc.toJS() ?? {},
    withLines: (issues) =>
      issues.map((issue) => {
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
      }),
  };
}
