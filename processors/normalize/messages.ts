// Converts the message shapes emitters use into the model's Message: the OTel ≥1.37 "parts"
// shape ({role, parts:[{type, content|arguments|result}], finish_reason}), the older
// OpenAI-style shape ({role, content, tool_calls}) used by ≤1.36 events and legacy attributes,
// and plain text. Every text is truncated to the configured limit.
import type { Message } from '../../agent/core/model/llm-call.ts';
import type { AttributeValue } from '../../agent/core/model/otlp.ts';
import { isObject, readIdentifier, readString, toText, truncate } from './attribute-readers.ts';

type MessagePart = Message['parts'][number];

export function textMessage(role: string, text: string | null, maxChars: number, finishReason: string | null = null): Message {
  return { role, parts: text === null ? [] : [{ type: 'text', content: truncate(text, maxChars), name: null }], finishReason };
}

/** A list of messages in any supported shape; a non-list value becomes one message. */
export function toMessages(value: AttributeValue | null, defaultRole: string, maxChars: number): Message[] {
  if (value === null) return [];
  if (Array.isArray(value)) {
    const out: Message[] = [];
    for (const item of value) {
      const m = toMessage(item, defaultRole, maxChars);
      if (m !== null) out.push(m);
    }
    return out;
  }
  const one = toMessage(value, defaultRole, maxChars);
  return one === null ? [] : [one];
}

export function toMessage(value: AttributeValue, defaultRole: string, maxChars: number): Message | null {
  if (typeof value === 'string') return textMessage(defaultRole, value, maxChars);
  if (!isObject(value)) return null;
  const role = readIdentifier(value.role) ?? defaultRole;
  const finishReason = readIdentifier(value.finish_reason) ?? readIdentifier(value.finishReason);
  const parts: MessagePart[] = [];
  if (Array.isArray(value.parts)) {
    for (const p of value.parts) {
      const part = toPart(p, maxChars);
      if (part !== null) parts.push(part);
    }
  } else {
    pushContent(parts, value.content, maxChars);
    if (Array.isArray(value.tool_calls)) for (const call of value.tool_calls) pushToolCall(parts, call, maxChars);
  }
  // OpenAI structured outputs put a model refusal in `message.refusal`, beside null content.
  const refusal = readString(value.refusal);
  if (refusal !== null && refusal !== '') parts.push({ type: 'refusal', content: truncate(refusal, maxChars), name: null });
  return { role, parts, finishReason };
}

/** One part of the ≥1.37 parts shape. */
function toPart(p: AttributeValue, maxChars: number): MessagePart | null {
  if (typeof p === 'string') return { type: 'text', content: truncate(p, maxChars), name: null };
  if (!isObject(p)) return null;
  const type = readIdentifier(p.type) ?? 'text';
  switch (type) {
    case 'tool_call':
      return { type, content: truncate(toText(p.arguments), maxChars), name: readIdentifier(p.name) };
    case 'tool_call_response':
      return { type, content: truncate(toText(p.result ?? p.response), maxChars), name: null };
    case 'uri':
      return { type, content: truncate(readString(p.uri), maxChars), name: readIdentifier(p.mime_type) };
    // Inline binary data is no text for detectors; keep the fact that it was there.
    case 'blob':
    case 'file':
      return { type, content: null, name: readIdentifier(p.mime_type) ?? readIdentifier(p.modality) };
    default:
      return { type, content: truncate(toText(p.content ?? p.text), maxChars), name: null };
  }
}

/** OpenAI-style content: a string, or a list of {type:'text', text} parts. */
function pushContent(parts: MessagePart[], content: AttributeValue | undefined, maxChars: number): void {
  if (content === undefined || content === null) return;
  if (typeof content === 'string') {
    parts.push({ type: 'text', content: truncate(content, maxChars), name: null });
    return;
  }
  if (Array.isArray(content)) {
    for (const item of content) {
      if (typeof item === 'string') parts.push({ type: 'text', content: truncate(item, maxChars), name: null });
      else if (isObject(item)) {
        const type = readIdentifier(item.type) ?? 'text';
        const text = item.text ?? item.content ?? item.refusal;
        parts.push({
          type: type === 'input_text' || type === 'output_text' ? 'text' : type,
          content: truncate(toText(text), maxChars),
          name: null,
        });
      }
    }
    return;
  }
  parts.push({ type: 'text', content: truncate(toText(content), maxChars), name: null });
}

function pushToolCall(parts: MessagePart[], call: AttributeValue, maxChars: number): void {
  if (!isObject(call)) return;
  const fn = isObject(call.function) ? call.function : call;
  parts.push({ type: 'tool_call', content: truncate(toText(fn.arguments), maxChars), name: readIdentifier(fn.name) });
}

/** Concatenated assistant text, for detectors; null when there is none. */
export function assistantText(messages: readonly Message[], maxChars: number): string | null {
  let text = '';
  let found = false;
  for (const m of messages) {
    if (m.role !== 'assistant' && m.role !== 'model') continue;
    for (const p of m.parts) {
      if (p.type === 'text' && p.content !== null) {
        text += p.content;
        found = true;
      }
    }
  }
  return found ? truncate(text, maxChars) : null;
}

/** System prompt text from `gen_ai.system_instructions` (parts list) or system-role messages. */
export function systemText(value: AttributeValue | null, maxChars: number): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return truncate(value, maxChars);
  const parts = Array.isArray(value) ? value : [value];
  const texts: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') texts.push(p);
    else if (isObject(p)) {
      const t = toText(p.content ?? p.text);
      if (t !== null) texts.push(t);
    }
  }
  return texts.length > 0 ? truncate(texts.join('\n'), maxChars) : null;
}

export function firstSystemPrompt(messages: readonly Message[]): string | null {
  for (const m of messages) {
    if (m.role !== 'system' && m.role !== 'developer') continue;
    const texts = m.parts.filter((p) => p.type === 'text' && p.content !== null).map((p) => p.content as string);
    if (texts.length > 0) return texts.join('\n');
  }
  return null;
}
