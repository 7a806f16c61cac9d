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
  // Other model families' canned refusals (Claude, Llama, Gemini, Qwen, DeepSeek, Grok, Mistral).
  ...p(
    'en',
    'family_canned',
    0.9,
    "i don't feel comfortable",
    "i'm not comfortable",
    'i am not comfortable',
    "i'd prefer not to",
    "i'm not going to help",
    'i am not going to help',
    "i'm not going to provide",
    "that's not something i can help with",
    'that is not something i can help with',
    "that's not something i can do",
    "i can't create",
    'i cannot create',
    "i can't write",
    'i cannot write',
    "i can't generate",
    'i cannot generate',
    "i can't answer that",
    'i cannot answer that',
    "i can't engage",
    'i cannot engage',
    "i can't fulfill that request",
    'i cannot provide information or guidance on',
    "i'm just a language model",
    "i'm only a language model",
    "i'm a text-based ai and can't",
    "i'm a language model and don't have the capacity",
    "that's beyond my current scope",
    'beyond my current scope',
    "i'm sorry, i can't",
    "i'm sorry, i cannot",
    "sorry, i can't",
    'sorry, i cannot',
    "unfortunately, i can't",
    'unfortunately, i cannot',
    "i'm afraid i can't",
    'i am afraid i cannot',
    'i must respectfully decline',
    'i respectfully decline',
    "i'm not in a position to",
    'i am not in a position to',
  ),
  ...p(
    'de',
    'cannot_help',
    0.9,
    'ich kann dabei nicht helfen',
    'ich kann ihnen dabei nicht helfen',
    'es tut mir leid, aber ich kann',
    'ich kann dir dabei nicht helfen',
  ),
  ...p(
    'fr',
    'cannot_help',
    0.9,
    'je ne peux pas vous aider',
    'je ne peux pas répondre',
    'je suis désolé, mais je ne peux pas',
    'désolé, mais je ne peux pas',
    "je ne peux pas t'aider",
  ),
  ...p('es', 'cannot_help', 0.9, 'no puedo ayudarte con', 'no puedo ayudar con', 'lo siento, pero no puedo', 'no puedo proporcionar'),
  ...p('pt', 'cannot_help', 0.9, 'desculpe, mas não posso', 'não posso ajudar com', 'não posso fornecer', 'lamento, mas não posso'),
  ...p('it', 'cannot_help', 0.9, 'mi dispiace, ma non posso', 'non posso aiutarti con', 'non posso fornire'),
  ...p('nl', 'cannot_help', 0.9, 'het spijt me, maar ik kan', 'ik kan je daar niet mee helpen', 'ik kan daar niet bij helpen'),
  ...p('pl', 'cannot_help', 0.9, 'przepraszam, ale nie mogę', 'nie mogę pomóc w'),
  ...p('tr', 'cannot_help', 0.9, 'bu konuda yardımcı olamam', 'yardımcı olamam', 'yardımcı olamıyorum', 'bu isteği yerine getiremem'),
  ...p('ru', 'cannot_help', 0.9, 'извините, но я не могу', 'я не могу помочь', 'не могу помочь с этим', 'я не могу предоставить'),
  ...p('uk', 'cannot_help', 0.9, 'вибачте, але я не можу', 'я не можу допомогти'),
  // Scripts without spaces or case: the refusal itself, not an apology that may precede an answer.
  ...p(
    'zh',
    'cannot_help',
    0.9,
    '我无法提供',
    '我无法协助',
    '我不能提供',
    '我不能帮助',
    '我无法帮助',
    '无法满足你的要求',
    '无法满足您的要求',
    '我不能协助',
    '我無法提供',
    '我不能幫助',
  ),
  ...p(
    'ja',
    'cannot_help',
    0.9,
    'お手伝いできません',
    'お答えできません',
    'お応えできません',
    '提供することはできません',
    '対応できません',
    'お手伝いすることはできません',
  ),
  ...p(
    'ko',
    'cannot_help',
    0.9,
    '도와드릴 수 없습니다',
    '도와드릴 수 없어요',
    '제공할 수 없습니다',
    '답변드릴 수 없습니다',
    '도움을 드릴 수 없습니다',
  ),
  ...p(
    'ar',
    'cannot_help',
    0.9,
    'لا أستطيع مساعدتك',
    'لا يمكنني مساعدتك',
    'لا يمكنني تقديم',
    'لا أستطيع تقديم',
    'عذرًا، لا أستطيع',
    'عذرا، لا أستطيع',
  ),
  ...p('he', 'cannot_help', 0.9, 'אני לא יכול לעזור', 'אני לא יכולה לעזור', 'מצטער, אבל אני לא יכול'),
  ...p('fa', 'cannot_help', 0.9, 'نمی‌توانم کمک کنم', 'نمی توانم کمک کنم', 'متأسفم، نمی‌توانم'),
  ...p('hi', 'cannot_help', 0.9, 'मैं इसमें मदद नहीं कर सकता', 'मैं इसमें मदद नहीं कर सकती', 'मदद नहीं कर सकता', 'मदद नहीं कर सकती', 'मुझे खेद है, लेकिन मैं'),
  ...p('th', 'cannot_help', 0.9, 'ฉันไม่สามารถช่วย', 'ไม่สามารถช่วยเรื่องนี้', 'ขออภัย ฉันไม่สามารถ'),
  ...p('vi', 'cannot_help', 0.9, 'tôi không thể giúp', 'xin lỗi, tôi không thể', 'tôi không thể cung cấp'),
  ...p(
    'id',
    'cannot_help',
    0.9,
    'saya tidak dapat membantu',
    'saya tidak bisa membantu',
    'maaf, saya tidak dapat',
    'maaf, saya tidak bisa',
  ),
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

/**
 * `outputTokens`: as reported, or null (then estimated from the words). `request`: the user's last
 * turn, so that a decline the user asked to have written (an email turning down an invitation) is
 * read as the answer it is.
 */
export function findRefusal(
  answer: string,
  hasRefusalField: boolean,
  outputTokens: number | null,
  limits: RefusalLimits,
  request = '',
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
  if (isDraftedMessage(head, at) || asksForDecline(request)) return null;
  return {
    rule: phrase.rule,
    method: 'phrase_pattern',
    confidence: phrase.confidence,
    evidence: { language: phrase.language, offset: at, output_tokens: tokens },
  };
}

// A request to write something (a reply, an email, a message) that declines, refuses or apologises:
// the refusal phrase in the answer is the text the user asked for.
const WRITE_REQUEST =
  /\b(?:draft|write|compose|reply|respond|prepare|word|phrase|rewrite|help me (?:write|say|word|reply)|template)\b|\b(?:schreib|formulier|verfasse|rédige|écris|redacta|escribe|escreva|scrivi)/i;
const DECLINE_TOPIC =
  /\b(?:declin\w*|refus\w*|reject\w*|turn(?:ing)? (?:\w+ )?down|say(?:ing)? no|pass(?:ing)? on|can(?:'|no)t (?:make|attend|come|join|take)|unable to (?:attend|join|make|take|accept)|apolog\w*|regret\w*|no longer|withdraw\w*|cancel\w*|absag\w*|ablehn\w*|décliner|refuser|rechaz\w*|declinar|recusar|rifiut\w*)\b/i;

function asksForDecline(request: string): boolean {
  if (request === '') return false;
  const head = request.slice(0, 600);
  return WRITE_REQUEST.test(head) && DECLINE_TOPIC.test(head);
}

// The phrase sits in a drafted message: after a salutation or subject line, or inside quotes.
const DRAFT_OPENING =
  /(?:^|\n)\s*(?:dear|hi|hello|hey|subject:|re:|betreff:|sehr geehrte|liebe|lieber|bonjour|cher|chère|hola|estimad[oa]|olá|caro|cara)\b/;

function isDraftedMessage(head: string, at: number): boolean {
  const before = head.slice(0, at);
  if (DRAFT_OPENING.test(before)) return true;
  const quotes = (before.match(/["“”«»]/g) ?? []).length;
  return quotes % 2 === 1;
}

// Two or more lines that start a bullet or a numbered item: a structured answer, not a refusal.
function isList(text: string): boolean {
  const items = text.match(/^[ \t]*(?:[-*•]|\d+[.)])[ \t]+\S/gm);
  return items !== null && items.length >= 2;
}

const estimateTokens = (text: string): number => Math.ceil((text.match(/\S+/g)?.length ?? 0) * 1.3);
