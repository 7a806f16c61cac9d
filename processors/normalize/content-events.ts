// GenAI content that arrives as log records (OTel ≤1.36 message events, `gen_ai.choice`, ≥1.37
// `gen_ai.client.inference.operation.details`, v1.26–1.27 `gen_ai.content.*`) becomes a
// ContentEvent keyed by the record's trace and span ids; trace_assembler joins it to its call.
// The event name travels in LogRecord.event_name or, from older SDKs, the `event.name` attribute.
import type { ContentEvent, Message } from '../../agent/core/model/llm-call.ts';
import type { AttributeValue, OtlpLogRecord, OtlpSpan } from '../../agent/core/model/otlp.ts';
import { isObject, readStructured, readString } from './attribute-readers.ts';
import type { NormalizeSettings } from './config.ts';
import { firstSystemPrompt, systemText, toMessage, toMessages } from './messages.ts';
import { parsePythonLiteral } from './python-literal.ts';
import { nanosToMs } from './span-basics.ts';

const MESSAGE_ROLES: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

export function eventNameOf(record: OtlpLogRecord): string | null {
  return record.eventName !== '' ? record.eventName : readString(record.attributes['event.name']);
}

/** The ContentEvent for a GenAI content record; null for any other record. */
export function readContentEvent(record: OtlpLogRecord, settings: NormalizeSettings): ContentEvent | null {
  const name = eventNameOf(record);
  if (name === null || !name.startsWith('gen_ai.')) return null;
  const max = settings.maxChars;
  const body = bodyOf(record.body);
  let systemPrompt: string | null = null;
  let inputMessages: Message[] = [];
  let outputMessages: Message[] = [];

  const role = MESSAGE_ROLES[name];
  if (role !== undefined) {
    const m = body === null ? null : toMessage(body, role, max);
    if (m !== null) inputMessages = [m];
    if (role === 'system') systemPrompt = firstSystemPrompt(inputMessages);
  } else if (name === 'gen_ai.choice') {
    if (isObject(body)) {
      const message = isObject(body.message) ? body.message : {};
      const m = toMessage({ role: 'assistant', ...message, finish_reason: body.finish_reason ?? null }, 'assistant', max);
      if (m !== null) outputMessages = [m];
    }
  } else if (name === 'gen_ai.client.inference.operation.details') {
    const source = (key: string) => record.attributes[key] ?? (isObject(body) ? body[key] : undefined);
    inputMessages = toMessages(structured(source('gen_ai.input.messages')), 'user', max);
    outputMessages = toMessages(structured(source('gen_ai.output.messages')), 'assistant', max);
    systemPrompt = systemText(structured(source('gen_ai.system_instructions')), max) ?? firstSystemPrompt(inputMessages);
  } else if (name === 'gen_ai.content.prompt') {
    inputMessages = toMessages(structured(record.attributes['gen_ai.prompt'] ?? body ?? undefined), 'user', max);
    systemPrompt = firstSystemPrompt(inputMessages);
  } else if (name === 'gen_ai.content.completion') {
    outputMessages = toMessages(structured(record.attributes['gen_ai.completion'] ?? body ?? undefined), 'assistant', max);
  } else {
    return null;
  }

  return {
    traceId: record.traceId,
    spanId: record.spanId,
    timeMs: nanosToMs(record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano),
    eventName: name,
    systemPrompt,
    inputMessages,
    outputMessages,
  };
}

/** Bodies are AnyValue kvlists, occasionally a JSON string; an empty body means capture was off. */
function bodyOf(body: AttributeValue): AttributeValue | null {
  if (body === null || body === '') return null;
  return typeof body === 'string' ? (readStructured(body) ?? body) : body;
}

function structured(value: AttributeValue | undefined): AttributeValue | null {
  if (value === undefined || value === null) return null;
  return readStructured(value) ?? value;
}

export const RAW_REQUEST_SPAN_NAME = 'raw_gen_ai_request';

/**
 * LiteLLM v1's provider-raw request span (content capture on): the request body as
 * llm.<provider>.<key> in Python repr. Its response_format says whether JSON was asked, which
 * the litellm_request span itself does not carry; it becomes a ContentEvent for that parent call.
 */
export function readRawRequestEvent(span: OtlpSpan): ContentEvent | null {
  if (span.parentSpanId === '') return null;
  for (const [key, value] of Object.entries(span.attributes)) {
    if (!key.startsWith('llm.') || !key.endsWith('.response_format') || typeof value !== 'string') continue;
    const parsed = value.charCodeAt(0) === 0x7b ? parsePythonLiteral(value) : value;
    const type =
      typeof parsed === 'string'
        ? parsed
        : isObject(parsed as AttributeValue)
          ? readString((parsed as Record<string, AttributeValue>).type)
          : null;
    if (type === null || type === '') return null;
    return {
      traceId: span.traceId,
      spanId: span.parentSpanId,
      timeMs: nanosToMs(span.startTimeUnixNano),
      eventName: RAW_REQUEST_SPAN_NAME,
      systemPrompt: null,
      inputMessages: [],
      outputMessages: [],
      responseFormat: type,
    };
  }
  return null;
}
