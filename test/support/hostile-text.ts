// Puts characters PostgreSQL cannot store (NUL, lone surrogates) into every text a span or log
// record carries: attribute values and keys, resource and event attributes, exception events,
// status messages, log bodies, and the strings inside embedded JSON (hidden_params, messages) and
// Python literals (metadata.usage_object), where they arrive as escapes (\u0000, \x00, \ud800).
import type { AttributeValue, Attributes, OtlpLogRecord, OtlpResource, OtlpSpan } from '../../agent/model/otlp.ts';

/** NUL, a lone high and a lone low surrogate: each is refused by PostgreSQL text or jsonb. */
export const HOSTILE = '\u0000\ud800\udfff';

/** Text with the hostile characters at its end and, for longer text, after its first space too. */
export function hostileString(s: string): string {
  const first = s.charCodeAt(0);
  if (first === 0x7b || first === 0x5b) {
    const viaJson = hostileJsonText(s);
    if (viaJson !== null) return viaJson;
    if (first === 0x7b && s.includes("'")) return hostilePythonLiteral(s);
  }
  const space = s.indexOf(' ');
  const inner = space > 0 && s.length > 20 ? `${s.slice(0, space)} ${HOSTILE}${s.slice(space)}` : s;
  return `${inner}${HOSTILE}`;
}

/** A JSON text whose string leaves carry the hostile characters (as \u escapes), or null when not JSON. */
function hostileJsonText(s: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return null;
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return `${v}${HOSTILE}`;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return JSON.stringify(walk(parsed));
}

/** LiteLLM's Python repr: string values get \x00 and \ud800 escapes, keys stay readable. */
function hostilePythonLiteral(s: string): string {
  return s.replace(/: '([^'\\]*)'/g, (_m, v: string) => `: '${v}\\x00\\ud800'`) + '';
}

export function hostileValue(v: AttributeValue): AttributeValue {
  if (typeof v === 'string') return hostileString(v);
  if (Array.isArray(v)) return v.map(hostileValue);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return hostileAttributes(v);
  return v;
}

/** Every value made hostile, plus one extra attribute whose key is hostile too. */
export function hostileAttributes(attrs: Attributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = hostileValue(v);
  out[`hostile.key${HOSTILE}`] = `value${HOSTILE}`;
  return out;
}

const resources = new Map<OtlpResource, OtlpResource>();

function hostileResource(r: OtlpResource): OtlpResource {
  let out = resources.get(r);
  if (!out) resources.set(r, (out = { ...r, attributes: hostileAttributes(r.attributes) }));
  return out;
}

/**
 * The span with hostile text everywhere but its name and ids (names decide which vocabulary reads
 * a span; `names: true` makes them hostile as well).
 */
export function hostileSpan(span: OtlpSpan, options: { names?: boolean } = {}): OtlpSpan {
  return {
    ...span,
    name: options.names ? hostileString(span.name) : span.name,
    traceState: span.traceState,
    attributes: {
      ...hostileAttributes(span.attributes),
      // Identity and tags: they reach columns (team, route) and incident scopes.
      'tag.tags': span.attributes['tag.tags'] !== undefined ? hostileValue(span.attributes['tag.tags']) : [`tag${HOSTILE}`, HOSTILE],
    },
    events: span.events.map((e) => ({ ...e, name: options.names ? hostileString(e.name) : e.name, attributes: hostileAttributes(e.attributes) })),
    status: { ...span.status, message: span.status.message === '' ? '' : hostileString(span.status.message) },
    resource: hostileResource(span.resource),
    scope: { ...span.scope, version: `1.0${HOSTILE}`, attributes: hostileAttributes(span.scope.attributes) },
  };
}

export function hostileLogRecord(record: OtlpLogRecord): OtlpLogRecord {
  return {
    ...record,
    body: record.body === null ? null : hostileValue(record.body),
    attributes: hostileAttributes(record.attributes),
    severityText: `${record.severityText}${HOSTILE}`,
    resource: hostileResource(record.resource),
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
