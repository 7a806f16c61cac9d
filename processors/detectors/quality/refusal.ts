// refusal: the provider's own refusal field (OpenAI structured outputs `message.refusal`, kept by
// normalize as a `refusal` part) decides outright; otherwise a refusal phrase that starts near the
// opening of a short answer with no code or list in it (a refusal is short and says so first). Phrases are whole
// refusals ("I can't help with"), never a bare "I can't" or "I'm sorry": "I can't believe how good
// this is" and "I'm sorry to hear that, here is the link" are answers.

interface Phrase {
  readonly rule: string;
  readonly language: string;
  readonly text: string;
  readonly confidence: number;
}

const p = (language: string, rule: string, confidence: number, ...texts: string[]): Phrase[] =>
  texts.map((text) => ({ rule: `refusal:${language}.${rule}`, language, text, confidence }));

// Lower-case, straight apostrophes (the answer is folded the same way before matching).
const PHRASES: readonly Phrase[] = [
  ...p(
    'en',
    'cannot_help',
    0.9,
    "i can't help with",
    'i cannot help with',
    "i can't assist with",
    'i cannot assist with',
    "i can't help you with",
    'i cannot help you with',
  ),
  ...p(
    'en',
    'cannot_comply',
    0.9,
    "i can't comply",
    'i cannot comply',
    "i can't fulfill",
    'i cannot fulfill',
    "i can't provide",
    'i cannot provide',
    "i can't share",
    'i cannot share',
  ),
  ...p(
    'en',
    'unable',
    0.85,
    "i'm unable to",
    'i am unable to',
    "i'm not able to",
    'i am not able to',
    "i won't be able to",
    "i'm not allowed to",
    'i am not allowed to',
  ),
  ...p(
    'en',
    'sorry_but',
    0.9,
    "i'm sorry, but i can",
    "i'm sorry, but i won't",
    'i am sorry, but i can',
    'sorry, but i can',
    'i apologize, but i can',
    "i apologize, but i won't",
  ),
  ...p(
    'en',
    'decline',
    0.9,
    'i must decline',
    'i have to decline',
    "i won't help with",
    'i will not help with',
    "i can't do that",
    'i cannot do that',
  ),
  ...p('en', 'as_an_ai', 0.7, 'as an ai language model', 'as a language model, i', 'as an ai, i can', 'as an ai assistant, i can'),
  ...p('de', 'cannot_help', 0.9, 'ich kann dabei nicht helfen', 'ich kann ihnen dabei nicht helfen', 'es tut mir leid, aber ich kann'),
  ...p(
    'fr',
    'cannot_help',
    0.9,
    'je ne peux pas vous aider',
    'je ne peux pas répondre',
    'je suis désolé, mais je ne peux pas',
    'désolé, mais je ne peux pas',
  ),
  ...p('es', 'cannot_help', 0.9, 'no puedo ayudarte con', 'no puedo ayudar con', 'lo siento, pero no puedo'),
];

export interface RefusalFinding {
  readonly rule: string;
  readonly method: 'provider_field' | 'phrase_pattern';
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

export interface RefusalLimits {
  readonly maxTokens: number;
  readonly scanChars: number;
}

/** `outputTokens`: as reported, or null (then estimated from the words). */
export function findRefusal(
  answer: string,
  hasRefusalField: boolean,
  outputTokens: number | null,
  limits: RefusalLimits,
): RefusalFinding | null {
  if (hasRefusalField)
    return { rule: 'refusal:provider_field', method: 'provider_field', confidence: 1, evidence: { source: 'refusal_field' } };
  const tokens = outputTokens ?? estimateTokens(answer);
  if (tokens > limits.maxTokens || answer.includes('```') || isList(answer)) return null;
  const head = answer
    .slice(0, limits.scanChars + 64)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'");
  let best: { phrase: Phrase; at: number } | null = null;
  for (const phrase of PHRASES) {
    const at = head.indexOf(phrase.text);
    if (at !== -1 && at <= limits.scanChars && (best === null || at < best.at)) best = { phrase, at };
  }
  if (best === null) return null;
  const { phrase, at } = best;
  return {
    rule: phrase.rule,
    method: 'phrase_pattern',
    confidence: phrase.confidence,
    evidence: { language: phrase.language, offset: at, output_tokens: tokens },
  };
}

// Two or more lines that start a bullet or a numbered item: a structured answer, not a refusal.
function isList(text: string): boolean {
  const items = text.match(/^[ \t]*(?:[-*•]|\d+[.)])[ \t]+\S/gm);
  return items !== null && items.length >= 2;
}

const estimateTokens = (text: string): number => Math.ceil((text.match(/\S+/g)?.length ?? 0) * 1.3);
