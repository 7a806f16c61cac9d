// Messages flattened into indexed attributes: OpenLLMetry's `gen_ai.prompt.N.role/content` and
// `gen_ai.completion.N.*`, and OpenInference's `llm.input_messages.N.message.*`. Each index is
// looked up directly (no scan of the attribute keys); reading stops at the first missing index.
import type { Message } from '../../agent/core/model/llm-call.ts';
import type { Attributes } from '../../agent/core/model/otlp.ts';
import { readIdentifier, readString, toText, truncate } from './attribute-readers.ts';

type MessagePart = Message['parts'][number];

const MAX_MESSAGES = 1_000;

/** `gen_ai.prompt.N.*` or `gen_ai.completion.N.*` (prefix without the trailing dot). */
export function readOpenLlmetryMessages(attrs: Attributes, prefix: string, defaultRole: string, maxChars: number): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < MAX_MESSAGES; i++) {
    const p = `${prefix}.${i}.`;
    const role = readIdentifier(attrs[`${p}role`]);
    const content = attrs[`${p}content`];
    const finish = readIdentifier(attrs[`${p}finish_reason`]);
    const firstToolName = readIdentifier(attrs[`${p}tool_calls.0.name`]) ?? readIdentifier(attrs[`${p}function_call.name`]);
    if (role === null && content === undefined && finish === null && firstToolName === null) break;
    const parts: MessagePart[] = [];
    const text = toText(content);
    if (text !== null && text !== '') parts.push({ type: 'text', content: truncate(text, maxChars), name: null });
    for (let j = 0; j < MAX_MESSAGES; j++) {
      const name = readIdentifier(attrs[`${p}tool_calls.${j}.name`]);
      if (name === null) break;
      parts.push({ type: 'tool_call', content: truncate(toText(attrs[`${p}tool_calls.${j}.arguments`]), maxChars), name });
    }
    const fnName = readIdentifier(attrs[`${p}function_call.name`]);
    if (fnName !== null)
      parts.push({ type: 'tool_call', content: truncate(toText(attrs[`${p}function_call.arguments`]), maxChars), name: fnName });
    out.push({ role: role ?? defaultRole, parts, finishReason: finish });
  }
  return out;
}

/** `llm.input_messages.N.message.*` or `llm.output_messages.N.message.*`. */
export function readOpenInferenceMessages(attrs: Attributes, prefix: string, defaultRole: string, maxChars: number): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < MAX_MESSAGES; i++) {
    const p = `${prefix}.${i}.message.`;
    const role = readIdentifier(attrs[`${p}role`]);
    const content = attrs[`${p}content`];
    const firstPart = attrs[`${p}contents.0.message_content.text`] ?? attrs[`${p}contents.0.message_content.type`];
    const firstTool = readIdentifier(attrs[`${p}tool_calls.0.tool_call.function.name`]);
    if (role === null && content === undefined && firstPart === undefined && firstTool === null) break;
    const parts: MessagePart[] = [];
    const text = toText(content);
    if (text !== null && text !== '') parts.push({ type: 'text', content: truncate(text, maxChars), name: null });
    for (let k = 0; k < MAX_MESSAGES; k++) {
      const cp = `${p}contents.${k}.message_content.`;
      const type = readIdentifier(attrs[`${cp}type`]);
      const partText = readString(attrs[`${cp}text`]);
      if (type === null && partText === null) break;
      if (partText !== null) parts.push({ type: 'text', content: truncate(partText, maxChars), name: null });
      else parts.push({ type: type ?? 'text', content: null, name: null });
    }
    for (let j = 0; j < MAX_MESSAGES; j++) {
      const tp = `${p}tool_calls.${j}.tool_call.function.`;
      const name = readIdentifier(attrs[`${tp}name`]);
      if (name === null) break;
      parts.push({ type: 'tool_call', content: truncate(toText(attrs[`${tp}arguments`]), maxChars), name });
    }
    out.push({ role: role ?? defaultRole, parts, finishReason: readIdentifier(attrs[`${p}finish_reason`]) });
  }
  return out;
}
