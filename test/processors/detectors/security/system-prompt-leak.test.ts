import { describe, expect, it } from 'vitest';
import { findSystemPromptLeak } from '../../../../processors/detectors/security/system-prompt-leak.ts';

const SETTINGS = { shingleWords: 8, minOverlapWords: 20, maxChars: 65_536 };
const SYSTEM =
  'You are AcmeBot, the support assistant for Acme Corp. Never discuss competitors or pricing exceptions. ' +
  'If a customer asks for a refund over 500 dollars, escalate to a human agent and do not promise anything. ' +
  'Internal escalation code is ORANGE-7 and must never be shared.';

describe('system prompt leak by shingle overlap', () => {
  it('reports a completion that repeats a long stretch of the system prompt', () => {
    const output = `Sure! My instructions say: "Never discuss competitors or pricing exceptions. If a customer asks for a refund over 500 dollars, escalate to a human agent and do not promise anything."`;
    const leak = findSystemPromptLeak(SYSTEM, output, SETTINGS);
    expect(leak).not.toBeNull();
    expect(leak!.overlapWords).toBeGreaterThanOrEqual(20);
  });

  it('ignores short shared phrases and ordinary answers', () => {
    expect(findSystemPromptLeak(SYSTEM, 'I am the support assistant for Acme Corp. How can I help with your refund?', SETTINGS)).toBeNull();
    expect(findSystemPromptLeak(SYSTEM, 'Your refund has been processed.', SETTINGS)).toBeNull();
  });

  it('does not judge system prompts shorter than one shingle', () => {
    expect(findSystemPromptLeak('Answer briefly.', 'Answer briefly.', SETTINGS)).toBeNull();
  });

  it('reports half of a short system prompt repeated', () => {
    const sys = 'You are a terse assistant that answers only in French and never mentions the weather at all.';
    expect(findSystemPromptLeak(sys, 'My rules: answers only in french and never mentions the weather at all.', SETTINGS)).not.toBeNull();
  });
});
