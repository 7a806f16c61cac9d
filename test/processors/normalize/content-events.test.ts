import { describe, expect, it } from 'vitest';
import { ContentEvent } from '../../../agent/core/model/llm-call.ts';
import { JS_SPAN_ID } from '../../fixtures/spans/otel-js-openai.ts';
import { jsChatEvents, jsUserMessageWithoutContent, operationDetails, otherRecords } from '../../fixtures/spans/log-records.ts';
import { DEFAULT_START_MS, type LogInput } from '../../support/span-builder.ts';
import { runNormalize } from './run-normalize.ts';

async function contentOf(...records: LogInput[]) {
  const out = await runNormalize([], records);
  return out.content.map((e) => ContentEvent.parse(e));
}

describe('normalize reads GenAI content log records', () => {
  it('reads JS message events named by the event.name attribute, keyed by their span', async () => {
    const events = await contentOf(...jsChatEvents);
    expect(events.map((e) => e.eventName)).toEqual([
      'gen_ai.system.message',
      'gen_ai.user.message',
      'gen_ai.assistant.message',
      'gen_ai.tool.message',
      'gen_ai.choice',
    ]);
    expect(events.every((e) => e.spanId === JS_SPAN_ID && e.timeMs === DEFAULT_START_MS)).toBe(true);
    expect(events[0]).toMatchObject({ systemPrompt: 'You are terse.', inputMessages: [{ role: 'system' }] });
    expect(events[1].inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?', name: null }], finishReason: null },
    ]);
    expect(events[2].inputMessages[0].parts).toEqual([{ type: 'tool_call', content: '{"city":"Paris"}', name: 'get_weather' }]);
    expect(events[3].inputMessages[0]).toMatchObject({ role: 'tool', parts: [{ content: '{"temp_c": 18}' }] });
  });

  it('reads gen_ai.choice as an assistant output message with its finish reason', async () => {
    const [choice] = await contentOf(jsChatEvents[4]);
    expect(choice.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It is 18°C in Paris.', name: null }], finishReason: 'stop' },
    ]);
    expect(choice.inputMessages).toEqual([]);
  });

  it('reads a message event with an empty body as a message without parts', async () => {
    const [event] = await contentOf(jsUserMessageWithoutContent);
    expect(event.inputMessages).toEqual([{ role: 'user', parts: [], finishReason: null }]);
  });

  it('reads structured messages from an operation.details event named by LogRecord.event_name', async () => {
    const [event] = await contentOf(operationDetails);
    expect(event).toMatchObject({ eventName: 'gen_ai.client.inference.operation.details', systemPrompt: 'You are a support agent.' });
    expect(event.inputMessages[0].parts[0].content).toBe('Where is order 123?');
    expect(event.outputMessages[0]).toMatchObject({ finishReason: 'stop', parts: [{ content: 'Shipped yesterday.' }] });
  });

  it('reads v1.26–1.27 gen_ai.content.prompt records', async () => {
    const [event] = await contentOf({
      eventName: 'gen_ai.content.prompt',
      attributes: { 'gen_ai.prompt': '[{"role":"user","content":"hello"}]' },
    });
    expect(event.inputMessages[0].parts[0].content).toBe('hello');
  });

  it('passes over records that are not GenAI content', async () => {
    expect(await contentOf(...otherRecords)).toEqual([]);
  });
});
