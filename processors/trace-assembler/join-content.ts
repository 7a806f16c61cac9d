// Joins GenAI content that arrived as log records (ContentEvents) to the call they describe,
// matched by span id. Content already on the span wins; events only fill what is missing.
import type { ContentEvent, LlmCall, Message, TelemetryItem } from '../../agent/core/model/llm-call.ts';

export function joinContent(items: TelemetryItem[], events: ContentEvent[]): { items: TelemetryItem[]; unjoined: ContentEvent[] } {
  if (events.length === 0) return { items, unjoined: [] };
  const bySpan = new Map<string, ContentEvent[]>();
  for (const e of events) {
    const list = bySpan.get(e.spanId);
    if (list) list.push(e);
    else bySpan.set(e.spanId, [e]);
  }
  const joined = new Set<string>();
  const out = items.map((item) => {
    if (item.kind !== 'llm') return item;
    const mine = bySpan.get(item.source.spanId);
    if (!mine) return item;
    joined.add(item.source.spanId);
    return withContent(item, mine);
  });
  return { items: out, unjoined: events.filter((e) => !joined.has(e.spanId)) };
}

function withContent(call: LlmCall, all: ContentEvent[]): LlmCall {
  const format = all.find((e) => e.responseFormat)?.responseFormat ?? null;
  const events = all.filter((e) => e.inputMessages.length > 0 || e.outputMessages.length > 0 || e.systemPrompt !== null);
  if (events.length === 0) {
    // Only a side span's response format: it completes content the call already has; alone it is no content.
    if (call.content === null || format === null || call.content.responseFormat !== null) return call;
    return { ...call, content: { ...call.content, responseFormat: format } };
  }
  const ordered = [...events].sort((a, b) => a.timeMs - b.timeMs);
  const input: Message[] = ordered.flatMap((e) => e.inputMessages);
  const output: Message[] = ordered.flatMap((e) => e.outputMessages);
  const systemPrompt = ordered.find((e) => e.systemPrompt !== null)?.systemPrompt ?? null;
  const prev = call.content;
  const outputMessages = prev && prev.outputMessages.length > 0 ? prev.outputMessages : output;
  return {
    ...call,
    content: {
      systemPrompt: prev?.systemPrompt ?? systemPrompt,
      inputMessages: prev && prev.inputMessages.length > 0 ? prev.inputMessages : input,
      outputMessages,
      outputText: prev?.outputText ?? assistantText(outputMessages),
      responseFormat: prev?.responseFormat ?? format,
    },
  };
}

function assistantText(messages: Message[]): string | null {
  const text = messages
    .flatMap((m) => m.parts)
    .filter((p) => p.type === 'text' && p.content !== null)
    .map((p) => p.content)
    .join('');
  return text === '' ? null : text;
}
