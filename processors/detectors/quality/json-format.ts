// format_violation: when JSON was asked (response_format json_object/json_schema, or a route with a
// configured schema) the answer must parse and, given a schema, validate. Schemas are compiled by
// ajv once each (cached by their JSON text, bounded). A ```json fence around the answer is a
// violation unless allow_code_fence: json_object mode promises bare JSON and a strict parser fails.
// Evidence names the rule, the parse-error offset and schema keywords/paths, never answer text.
import { Ajv, type ValidateFunction } from 'ajv';
import { storableJsonValue } from '../../../agent/core/model/storable-text.ts';
import { maskDigitRuns } from './mask-digits.ts';

const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: true });
const MAX_CACHED = 256;
const cache = new Map<string, ValidateFunction | null>();

/** The compiled validator, or null when the schema does not compile (cached either way). */
function validatorFor(schema: Record<string, unknown>): ValidateFunction | null {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let compiled: ValidateFunction | null;
  try {
    compiled = ajv.compile(schema);
  } catch {
    compiled = null; // reported as schema_invalid in evidence, not thrown: bad input never throws
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

/** For config validation: why the schema does not compile, or null. */
export function compileSchemaError(schema: Record<string, unknown>): string | null {
  try {
    ajv.compile(schema);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export interface FormatRequest {
  /** json_object, json_schema, or route_schema. */
  readonly format: string;
  readonly schema: Record<string, unknown> | null;
}

export interface FormatViolation {
  readonly rule: string;
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

const FENCE = /^```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/;

export function checkJsonFormat(answer: string, request: FormatRequest, allowCodeFence: boolean): FormatViolation | null {
  return readJsonAnswer(answer, request, allowCodeFence).violation;
}

/** The format verdict and, when there is none, the parsed answer (for the checks that read its content). */
export function readJsonAnswer(
  answer: string,
  request: FormatRequest,
  allowCodeFence: boolean,
): { violation: FormatViolation | null; value: unknown } {
  const trimmed = answer.trim();
  const fence = FENCE.exec(trimmed);
  const body = fence === null ? trimmed : fence[1].trim();
  const base = { format: request.format, answer_chars: answer.length, fenced: fence !== null };
  const parsed = parse(body);
  if (!parsed.ok) return broken({ rule: 'format:invalid_json', confidence: 1, evidence: { ...base, parse_error_offset: parsed.offset } });
  const validate = request.schema === null ? undefined : validatorFor(request.schema);
  if (validate === null)
    return fence !== null && !allowCodeFence ? broken(fenced(base, 'unchecked')) : { violation: null, value: parsed.value };
  if (validate !== undefined && !validate(parsed.value)) {
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => ({ keyword: e.keyword, instance_path: maskDigitRuns(e.instancePath), schema_path: e.schemaPath }));
    return broken({ rule: 'format:schema', confidence: 1, evidence: { ...base, schema_errors: errors } });
  }
  if (fence !== null && !allowCodeFence) return broken(fenced(base, validate === undefined ? 'parses' : 'valid'));
  return { violation: null, value: parsed.value };
}

const broken = (violation: FormatViolation): { violation: FormatViolation; value: undefined } => ({ violation, value: undefined });

// The body inside the fence is fine, so this is a wrapping problem: less certain than a parse error.
const fenced = (base: Record<string, unknown>, inner: string): FormatViolation => ({
  rule: 'format:code_fence',
  confidence: 0.7,
  evidence: { ...base, fenced_body: inner },
});

function parse(text: string): { ok: true; value: unknown } | { ok: false; offset: number | null } {
  try {
    // Keys and strings of the answer reach evidence (schema instance paths): a \u0000 or lone
    // surrogate escape in them must come out as text PostgreSQL can store.
    const value: unknown = JSON.parse(text);
    return { ok: true, value: text.includes('\\u') ? storableJsonValue(value) : value };
  } catch (err) {
    // V8's message quotes the text; only the position is kept.
    const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
    return { ok: false, offset: m === null ? null : Number(m[1]) };
  }
}
