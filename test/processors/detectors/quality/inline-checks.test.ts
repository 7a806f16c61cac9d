// The two inline checks on an answer's own text and size: degenerate_output (an answer looping on
// a sentence or a phrase) and token_count_mismatch (reported output tokens far from the captured
// answer), with the look-alikes that must stay quiet: lists, tables, code, refrains, reasoning.
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../../agent/core/model/signal.ts';
import { signalsOf } from '../run-detectors.ts';
import { INLINE, qualitySpan, type QualitySpec } from './spans.ts';

const quality = async (spec: QualitySpec, settings: Record<string, unknown> = INLINE): Promise<Signal[]> =>
  (await signalsOf(qualitySpan(spec), settings)).filter((s) => s.category === 'quality');
const subtypes = async (spec: QualitySpec, settings?: Record<string, unknown>) => (await quality(spec, settings)).map((s) => s.subtype);

describe('degenerate_output', () => {
  it('reports an answer repeating the same sentence', async () => {
    const output = `To reset the router, hold the button for ten seconds. ${'Then wait for the light to turn green. '.repeat(6)}`;
    const [s] = await quality({ user: 'How do I reset the router?', output });
    expect(s).toMatchObject({ subtype: 'degenerate_output', detection_method: 'repetition', evidence: { rule: 'repetition:sentence' } });
    expect(JSON.stringify(s)).not.toContain('green');
  });

  it('reports an answer looping on a phrase without sentence breaks', async () => {
    const output = `The key points are: ${'the budget, the timeline and the budget, the timeline and '.repeat(8)}`;
    expect(await subtypes({ user: 'Summarise the plan.', output })).toEqual(['degenerate_output']);
  });

  it('reports a loop in a script without spaces', async () => {
    const output = `会议改到周五下午三点。${'请大家准时参加会议，谢谢。'.repeat(8)}`;
    expect(await subtypes({ user: '会议什么时候？', output })).toContain('degenerate_output');
  });

  it('ranks the loop before the truncation it ran into', async () => {
    const output = `Here is the list of steps. ${'Check the cable and restart the device. '.repeat(20)}`;
    const signals = await quality({
      user: 'Why is the TV not working?',
      output,
      finishReason: 'length',
      outputTokens: 256,
      maxTokens: 256,
    });
    expect(signals.map((s) => s.subtype).sort()).toEqual(['degenerate_output', 'truncation']);
    expect(signals.find((s) => s.subtype === 'degenerate_output')!.confidence).toBe(1);
  });

  it('leaves lists, tables, code and a song refrain alone', async () => {
    const list = ['North', 'South', 'East', 'West', 'Central', 'Islands', 'Coast', 'Highlands']
      .map((region) => `- ${region}: no incidents reported this week.`)
      .join('\n');
    const table = `| Region | Status |\n|---|---|\n${Array.from({ length: 10 }, (_, i) => `| R${i} | OK |`).join('\n')}`;
    const code = '```python\n' + Array.from({ length: 10 }, (_, i) => `print("row", ${i})`).join('\n') + '\n```';
    const song =
      'Row, row, row your boat, gently down the stream. Merrily, merrily, merrily, merrily, life is but a dream. It is a round: each group starts the same lines a little later, so the verse is sung four times over.';
    for (const output of [list, table, code, song])
      expect(await subtypes({ user: 'Show me.', output }), output.slice(0, 30)).not.toContain('degenerate_output');
  });
});

describe('token_count_mismatch', () => {
  const answer =
    'The migration finished at 02:40. All forty tables were copied, the row counts match, and the read replicas caught up within five minutes. ' +
    'Two indexes were rebuilt afterwards because their statistics were stale; query times are back to normal. The old cluster stays read-only for a week before it is removed.';

  it('reports reported output tokens far below the captured answer', async () => {
    const [s] = await quality({ user: 'How did the migration go?', output: `${answer} ${answer} ${answer} ${answer}`, outputTokens: 12 });
    expect(s).toMatchObject({
      subtype: 'token_count_mismatch',
      detection_method: 'token_count',
      evidence: { rule: 'tokens:output_under_reported', output_tokens_reported: 12 },
    });
  });

  it('reports far more output tokens than the answer shows when the reasoning count is known', async () => {
    const attributes = { 'gen_ai.usage.reasoning.output_tokens': 100 };
    expect(await subtypes({ user: 'How did the migration go?', output: 'It went fine.', outputTokens: 1_400, attributes })).toEqual([
      'token_count_mismatch',
    ]);
  });

  it('does not judge hidden reasoning: many output tokens and a short answer, with no reasoning count', async () => {
    expect(await subtypes({ user: 'Is 7919 prime?', output: 'Yes, 7919 is prime.', outputTokens: 1_800 })).not.toContain(
      'token_count_mismatch',
    );
  });

  it('leaves an answer whose reported size matches it alone', async () => {
    expect(await subtypes({ user: 'How did the migration go?', output: answer, outputTokens: 70 })).toEqual([]);
  });
});
