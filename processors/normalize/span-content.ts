// Captured prompt and completion on an LLM span, from whichever vocabulary carried them:
// ≥1.37 `gen_ai.input/output.messages` + `gen_ai.system_instructions` (JSON strings or
// structured), OpenLLMetry indexed `gen_ai.prompt.N.*`, OpenInference `llm.*_messages.N.*` or
// `input.value`/`output.value`, and v1.26–1.27 span events `gen_ai.content.prompt/completion`.
// null when the span carries no content, so "capture off" and "empty prompt" stay distinct.
import type { Content, Message } from '../../agent/core/model/llm-call.ts';
import type { AttributeValue, Attributes, OtlpSpan, OtlpSpanEvent } from '../../agent/core/model/otlp.ts';
import { isObject, readString, readStructured, truncate } from './attribute-readers.ts';
import { readOpenInferenceMessages, readOpenLlmetryMessages } from './indexed-messages.ts';
import { assistantText, firstSystemPrompt, systemText, textMessage, toMessages } from './messages.ts';

export interface ContentLimits {
  maxChars: number;
}

export function readSpanContent(
  span: OtlpSpan,
  responseFormat: string | null,
  limits: ContentLimits,
  responseSchema: Record<string, unknown> | null = null,
): Content | null {
  const attrs = span.attributes;
  const max = limits.maxChars;
  const details = findEvent(span.events, 'gen_ai.client.inference.operation.details')?.attributes;

  const inputMessages = readInput(attrs, details, span.events, max);
  const outputMessages = readOutput(attrs, details, span.events, max);
  const instructions = attrs['gen_ai.system_instructions'] ?? details?.['gen_ai.system_instructions'];
  const systemPrompt = systemText(structuredOrText(instructions), max) ?? truncate(firstSystemPrompt(inputMessages), max);

  if (inputMessages.length === 0 && outputMessages.length === 0 && systemPrompt === null) return null;
  const content: Content = {
    systemPrompt,
    inputMessages,
    outputMessages,
    outputText: assistantText(outputMessages, max),
    responseFormat,
  };
  if (responseSchema !== null) content.responseSchema = responseSchema;
  if (wasCut(content, max)) content.truncated = true;
  return content;
}

/** truncate() cuts at exactly max characters, so a text of that length was (almost surely) cut. */
function wasCut(c: Content, max: number): boolean {
  if (c.systemPrompt !== null && c.systemPrompt.length >= max) return true;
  for (const list of [c.inputMessages, c.outputMessages]) {
    for (const m of list) for (const p of m.parts) if (p.content !== null && p.content.length >= max) return true;
  }
  return false;
}

function readInput(attrs: Attributes, details: Attributes | undefined, events: readonly OtlpSpanEvent[], max: number): Message[] {
  const semconv = attrs['gen_ai.input.messages'] ?? details?.['gen_ai.input.messages'];
  if (semconv !== undefined) return toMessages(structuredOrText(semconv), 'user', max);
  if (attrs['gen_ai.prompt.0.role'] !== undefined || attrs['gen_ai.prompt.0.content'] !== undefined) {
    return readOpenLlmetryMessages(attrs, 'gen_ai.prompt', 'user', max);
  }
  if (attrs['llm.input_messages.0.message.role'] !== undefined || attrs['llm.input_messages.0.message.content'] !== undefined) {
    return readOpenInferenceMessages(attrs, 'llm.input_messages', 'user', max);
  }
  const legacy = findEvent(events, 'gen_ai.content.prompt')?.attributes['gen_ai.prompt'] ?? attrs['gen_ai.prompt'];
  if (legacy !== undefined) return toMessages(structuredOrText(legacy), 'user', max);
  const value = attrs['input.value'];
  if (value !== undefined) return fromOpenInferenceValue(value, attrs['input.mime_type'], 'user', max);
  return [];
}

function readOutput(attrs: Attributes, details: Attributes | undefined, events: readonly OtlpSpanEvent[], max: number): Message[] {
  const semconv = attrs['gen_ai.output.messages'] ?? details?.['gen_ai.output.messages'];
  if (semconv !== undefined) return toMessages(structuredOrText(semconv), 'assistant', max);
  if (
    attrs['gen_ai.completion.0.content'] !== undefined ||
    attrs['gen_ai.completion.0.role'] !== undefined ||
    attrs['gen_ai.completion.0.finish_reason'] !== undefined
  ) {
    return readOpenLlmetryMessages(attrs, 'gen_ai.completion', 'assistant', max);
  }
  if (attrs['llm.output_messages.0.message.role'] !== undefined || attrs['llm.output_messages.0.message.content'] !== undefined) {
    return readOpenInferenceMessages(attrs, 'llm.output_messages', 'assistant', max);
  }
  const legacy = findEvent(events, 'gen_ai.content.completion')?.attributes['gen_ai.completion'] ?? attrs['gen_ai.completion'];
  if (legacy !== undefined) return toMessages(structuredOrText(legacy), 'assistant', max);
  const value = attrs['output.value'];
  if (value !== undefined) return fromOpenInferenceValue(value, attrs['output.mime_type'], 'assistant', max);
  return [];
}

/** A JSON string becomes its structure; any other string stays text (one message). */
function structuredOrText(value: AttributeValue | undefined): AttributeValue | null {
  if (value === undefined || value === null) return null;
  return readStructured(value) ?? value;
}

/**
 * OpenInference `input.value`/`output.value`: with a JSON mime type, an OpenAI request
 * ({messages}) or response ({choices}); otherwise the text itself.
 */
function fromOpenInferenceValue(value: AttributeValue, mimeType: AttributeValue | undefined, role: string, max: number): Message[] {
  if (readString(mimeType) === 'application/json') {
    const parsed = readStructured(value);
    if (isObject(parsed)) {
      if (Array.isArray(parsed.messages)) return toMessages(parsed.messages, role, max);
      if (Array.isArray(parsed.choices)) {
        return parsed.choices.flatMap((c) =>
          isObject(c) && isObject(c.message) ? toMessages({ ...c.message, finish_reason: c.finish_reason ?? null }, role, max) : [],
        );
      }
    }
  }
  const text = readString(value);
  return text === null ? [] : [textMessage(role, text, max)];
}

function findEvent(events: readonly OtlpSpanEvent[], name: string): OtlpSpanEvent | undefined {
  for (const e of events) if (e.name === name) return e;
  return undefined;
}

const RESPONSE_FORMAT_KEYS = ['gen_ai.output.type', 'gen_ai.openai.request.response_format', 'gen_ai.request.response_format'] as const;

/**
 * The JSON Schema of a `json_schema` request ({type, json_schema: {name, schema}}), from the same
 * keys as the response format; null when the span carries only the type.
 */
export function readResponseSchema(attrs: Attributes, invocation: Record<string, AttributeValue> | null): Record<string, unknown> | null {
  for (const key of RESPONSE_FORMAT_KEYS) {
    const v = attrs[key];
    if (v === undefined) continue;
    const schema = schemaOf(readStructured(v));
    if (schema !== null) return schema;
  }
  return schemaOf(invocation?.response_format ?? null);
}

function schemaOf(rf: AttributeValue | null): Record<string, unknown> | null {
  if (!isObject(rf) || !isObject(rf.json_schema)) return null;
  const schema = rf.json_schema.schema;
  return isObject(schema) ? (schema as Record<string, unknown>) : null;
}

/** text, json_object, json_schema… when the request said; `invocation` is OpenInference's parsed parameters. */
export function readResponseFormat(attrs: Attributes, invocation: Record<string, AttributeValue> | null): string | null {
  for (const key of RESPONSE_FORMAT_KEYS) {
    const v = attrs[key];
    const s = readString(v);
    if (s !== null && s.charCodeAt(0) !== 0x7b) return s;
    const o = readStructured(v ?? null);
    if (isObject(o)) return readString(o.type);
  }
  const rf = invocation?.response_format;
  if (isObject(rf)) return readString(rf.type);
  return readString(rf);
}
