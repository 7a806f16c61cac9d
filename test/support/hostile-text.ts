// Puts characters PostgreSQL cannot store (NUL, lone surrogates) into every text a span or log
// record carries: attribute values and keys, resource and event attributes, exception events,
// status messages, log bodies, and the strings inside embedded JSON (hidden_params, messages) and
// Python literals (metadata.usage_object), where they arrive as escapes (\u0000, \x00, \ud800).
import type { AttributeValue, Attributes, OtlpLogRecord, OtlpResource, OtlpSpan } from '../../agent/core/model/otlp.ts';

/** NUL, a lone high and a lone low surrogate: each is refused by PostgreSQL text or jsonb. */
export const HOSTILE = '\u0000\ud800\udfff';

/**
 * Which strings get the characters: `text` only free text (a string with whitespace: messages,
 * error bodies, prompts), so detectors still recognize what they read; `all` every string,
 * identifiers (roles, providers, models, teams) and attribute keys included.
 */
export type HostileMode = 'text' | 'all';

const isFreeText = (s: string): boolean => /\s/.test(s);

/** `s` with the hostile characters appended (embedded JSON and Python literals: inside their strings). */
export function hostileString(s: string, mode: HostileMode = 'all'): string {
  const first = s.charCodeAt(0);
  if (first === 0x7b || first === 0x5b) {
    const viaJson = hostileJsonText(s, mode);
    if (viaJson !== null) return viaJson;
    if (first === 0x7b && s.includes("'")) return hostilePythonLiteral(s);
  }
  return mode === 'all' || isFreeText(s) ? `${s}${HOSTILE}` : s;
}

/** A JSON text whose string leaves carry the hostile characters (as \u escapes), or null when not JSON. */
function hostileJsonText(s: string, mode: HostileMode): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return null;
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return hostileString(v, mode);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return JSON.stringify(walk(parsed));
}

/** LiteLLM's Python repr: string values get \x00 and \ud800 escapes, keys stay readable. */
function hostilePythonLiteral(s: string): string {
  return s.replace(/: '([^'\\]*)'/g, (_m, v: string) => `: '${v}\\x00\\ud800'`);
}

export function hostileValue(v: AttributeValue, mode: HostileMode = 'all'): AttributeValue {
  if (typeof v === 'string') return hostileString(v, mode);
  if (Array.isArray(v)) return v.map((x) => hostileValue(x, mode));
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return hostileAttributes(v, mode);
  return v;
}

/** Every value made hostile; in `all` mode one extra attribute whose key is hostile too. */
export function hostileAttributes(attrs: Attributes, mode: HostileMode = 'all'): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = hostileValue(v, mode);
  if (mode === 'all') out[`hostile.key${HOSTILE}`] = `value${HOSTILE}`;
  return out;
}

const resources = new Map<string, Map<OtlpResource, OtlpResource>>();

function hostileResource(r: OtlpResource, mode: HostileMode): OtlpResource {
  let byMode = resources.get(mode);
  if (!byMode) resources.set(mode, (byMode = new Map()));
  let out = byMode.get(r);
  if (!out) byMode.set(r, (out = { ...r, attributes: hostileAttributes(r.attributes, mode) }));
  return out;
}

/**
 * The span with hostile text everywhere but its ids and name (names decide which vocabulary reads
 * a span; `names: true` makes them hostile as well).
 */
export function hostileSpan(span: OtlpSpan, options: { mode?: HostileMode; names?: boolean } = {}): OtlpSpan {
  const mode = options.mode ?? 'all';
  const attributes = hostileAttributes(span.attributes, mode);
  // Tags reach incident scopes and metric labels.
  if (mode === 'all' && attributes['tag.tags'] === undefined) attributes['tag.tags'] = [`tag${HOSTILE}`, HOSTILE];
  return {
    ...span,
    name: options.names ? hostileString(span.name) : span.name,
    attributes,
    events: span.events.map((e) => ({
      ...e,
      name: options.names ? hostileString(e.name) : e.name,
      attributes: hostileAttributes(e.attributes, mode),
    })),
    status: { ...span.status, message: hostileString(span.status.message, mode) },
    resource: hostileResource(span.resource, mode),
    scope: { ...span.scope, version: mode === 'all' ? `1.0${HOSTILE}` : span.scope.version },
  };
}

export function hostileLogRecord(record: OtlpLogRecord, mode: HostileMode = 'all'): OtlpLogRecord {
  return {
    ...record,
    body: record.body === null ? null : hostileValue(record.body, mode),
    attributes: hostileAttributes(record.attributes, mode),
    severityText: mode === 'all' ? `${record.severityText}${HOSTILE}` : record.severityText,
    resource: hostileResource(record.resource, mode),
  };
}

/** True when `text` holds a character PostgreSQL cannot store. */
export function hasUnstorable(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

/** True when any string (or key) inside a parsed JSON value holds such a character. */
export function holdsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return hasUnstorable(value);
  if (Array.isArray(value)) return value.some(holdsUnstorable);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => hasUnstorable(k) || holdsUnstorable(v));
  return false;
}
