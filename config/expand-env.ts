// ${env:VAR} and ${env:VAR:-default} expansion, applied to string scalars after YAML parsing so a
// value can never inject YAML structure. A scalar that is exactly one reference is re-read as a
// YAML scalar (so `port: ${env:PORT}` gives a number), as the collector does. `$$` is a literal `$`.
import { parse as parseYamlScalar } from 'yaml';
import type { ConfigIssue } from './errors.ts';

const REFERENCE = /\$\$|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{([^}]*)\}/g;
const WHOLE_REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: (string | number)[] = []): unknown {
  if (typeof value === 'string') return expandString(value, env, issues, path);
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, issues, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnv(v, env, issues, [...path, k]);
    return out;
  }
  return value;
}

function expandString(s: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: (string | number)[]): unknown {
  if (!s.includes('$')) return s;
  let failed = false;
  const expanded = s.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined, bad: string | undefined) => {
    if (match === '$$') return '$';
    if (bad !== undefined) {
      issues.push({
        path: path.join('.'),
        message: `"${match}" is not a valid reference; write \${env:NAME} or \${env:NAME:-default} (or $$ for a literal $)`,
      });
      failed = true;
      return match;
    }
    const v = env[name!];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    issues.push({
      path: path.join('.'),
      message: `environment variable ${name} is not set; set it, or give a default with \${env:${name}:-default}`,
    });
    failed = true;
    return match;
  });
  if (failed) return s;
  if (WHOLE_REFERENCE.test(s)) {
    if (expanded === '') return '';
    try {
      const scalar: unknown = parseYamlScalar(expanded);
      return scalar !== null && typeof scalar === 'object' ? expanded : scalar;
    } catch {
      return expanded;
    }
  }
  return expanded;
}
