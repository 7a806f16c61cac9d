// Prompt injection and jailbreak phrases in user turns and tool/retrieval content (indirect injection
// arrives through documents and tool results, not only the user).
// Text is normalised once (normalize-text.ts); each family is a short list of weighted regexes with
// bounded repetition only, so a scan is linear in the (capped) text length. A family's score is the
// noisy-or of its distinct rules' weights; the text's verdict is its best family. Runs of base64 or
// hex are decoded (bounded count and size) and the decoded text is scanned once more, not again.
import { normalizeText } from './normalize-text.ts';

export type InjectionFamily = 'override' | 'role' | 'delimiter' | 'extraction' | 'exfiltration' | 'indirect';

interface PhraseRule {
  readonly name: string;
  readonly family: InjectionFamily;
  readonly weight: number;
  readonly re: RegExp;
  /** Only in content the model reads (a tool result, a document pasted into a turn), never in what
   *  the user says to it: the user may well tell the assistant what to do with that content. */
  readonly contentOnly?: boolean;
  /** Literals one of which every match contains, when one is cheap to look for: the regex is not
   *  run on text without them (a substring search costs a fraction of a regex scan). */
  readonly hints?: readonly string[];
}

const ADJ = '(?:previous|prior|above|earlier|preceding|foregoing|former|original|initial|system|developer)';
const NOUN = '(?:instructions?|prompts?|rules|directions|directives|guidelines|guardrails|commands|context|messages)';
const FILL = '(?:(?:all|any|the|your|my|of|these|those|its|every) ){0,3}';

const RULES: readonly PhraseRule[] = [
  // Instruction override.
  {
    name: 'override.ignore_previous',
    family: 'override',
    weight: 0.9,
    re: new RegExp(`\\b(?:ignore|disregard|forget|bypass|skip|override|neglect)[,:]? ${FILL}${ADJ} ${NOUN}\\b`),
  },
  {
    name: 'override.do_not_follow',
    family: 'override',
    weight: 0.85,
    re: new RegExp(`\\b(?:do not|don't|stop) (?:follow|obey)(?:ing)? ${FILL}${ADJ}? ?${NOUN}\\b`),
  },
  // Only when aimed at what the model was told: "forget everything (I said)" alone is a user
  // taking back their own words, an everyday correction.
  {
    name: 'override.forget_everything',
    family: 'override',
    weight: 0.8,
    re: /\bforget (?:everything|all)(?: of)? (?:(?:that )?you (?:were|have been|'ve been) told|(?:written )?above|before this|(?:your|the) (?:instructions|rules|guidelines|programming|training))\b/,
  },
  {
    name: 'override.disregard_all',
    family: 'override',
    weight: 0.75,
    re: /\bdisregard (?:everything|all(?: of)? (?:that|the above|the text above))\b/,
  },
  // The same override in the other languages users write to us in (diacritics optional).
  {
    name: 'override.ignore_previous_de',
    family: 'override',
    weight: 0.9,
    re: /\b(?:ignoriere|ignorier|vergiss|missachte)(?:n sie)? (?:alle |die |deine |ihre |s[aä]mtliche )?(?:vorherigen|bisherigen|obigen|vorigen|urspr[uü]nglichen|system)[ -]?(?:anweisungen|instruktionen|regeln|vorgaben|befehle)\b/,
  },
  {
    name: 'override.ignore_previous_fr',
    family: 'override',
    weight: 0.9,
    re: /\b(?:ignore|ignorez|oublie|oubliez)(?: toutes| tous)? (?:les|tes|vos) (?:instructions|consignes|r[eè]gles|directives) (?:pr[eé]c[eé]dentes|ant[eé]rieures|initiales|du syst[eè]me)\b/,
  },
  {
    name: 'override.ignore_previous_es',
    family: 'override',
    weight: 0.9,
    re: /\b(?:ignora|ignore|olvida|olvide)(?: todas)? (?:las|tus|sus) (?:instrucciones|reglas|indicaciones|directrices) (?:anteriores|previas|iniciales|del sistema)\b/,
  },
  { name: 'override.new_instructions', family: 'override', weight: 0.45, re: /\b(?:new|updated|real) instructions ?:/ },
  // Role manipulation and jailbreak personas.
  {
    name: 'role.dan',
    family: 'role',
    weight: 0.9,
    re: /\b(?:act as|you are(?: now)?|pretend to be|become) (?:a |an )?dan\b|\bdo anything now\b|\bdan mode\b/,
  },
  {
    name: 'role.you_are_now_unrestricted',
    family: 'role',
    weight: 0.85,
    re: /\byou are now (?:a |an )?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|free from|no longer bound|without (?:any )?(?:restrictions|limits|rules))/,
  },
  {
    name: 'role.developer_mode_enabled',
    family: 'role',
    weight: 0.8,
    re: /\bdeveloper mode (?:enabled|activated|output)\b|\b(?:you are|you're|act) (?:now )?in developer mode\b/,
  },
  {
    name: 'role.pretend_unrestricted',
    family: 'role',
    weight: 0.8,
    re: /\b(?:pretend|imagine|act) (?:that )?(?:you are|you're|to be|as) (?:a |an )?(?:unrestricted|unfiltered|uncensored|jailbroken|evil|rogue) /,
  },
  // The "deceased grandmother" exploit: a dead relative's bedtime stories as cover for forbidden content.
  {
    name: 'role.deceased_relative',
    family: 'role',
    weight: 0.75,
    re: /\b(?:act|pretend|roleplay|role-play|play) (?:as|to be) my (?:deceased|late|dead) (?:grand(?:mother|ma|father|pa)|granny|mother|father|mom|dad)\b/,
  },
  { name: 'role.you_are_now', family: 'role', weight: 0.5, re: /\byou are now (?:a |an |the |my )?[a-z]/ },
  { name: 'role.developer_mode', family: 'role', weight: 0.5, re: /\bdeveloper mode\b/ },
  { name: 'role.jailbreak_word', family: 'role', weight: 0.4, re: /\bjailbr(?:eak|oken)\b/ },
  {
    name: 'role.no_restrictions',
    family: 'role',
    weight: 0.4,
    re: /\b(?:without|no|free of) (?:any )?(?:restrictions|filters|censorship|content policy|ethical guidelines)\b/,
  },
  // Widely circulated persona jailbreaks, by their names and by what every variant of them asks:
  // a character free of the rules, that never refuses, answering twice (filtered and not).
  {
    name: 'role.known_persona',
    family: 'role',
    weight: 0.85,
    re: /\b(?:act as|you are(?: now)?|you will be|pretend to be|roleplay as|role-play as|play the role of|become|named|called) (?:a |an |the )?(?:aim|stan|dude|mongo tom|better ?dan|evil ?bot|ucar|anti ?gpt|based ?gpt|oppo|apophis|balakula|burple|machiavelli|niccolo machiavelli|condition red|kevin|maximum)\b|\bstands? for (?:"|')?(?:always intelligent and machiavellian|strive to avoid norms|do anything now)/,
  },
  {
    name: 'role.freed_from_confines',
    family: 'role',
    weight: 0.85,
    re: /\b(?:freed|broken free|break free|been released|liberated) (?:from|of) the (?:typical |usual )?(?:confines|rules|restrictions|limitations) (?:of|imposed on|placed on) (?:ai|an ai|artificial intelligence|language models|you)\b/,
  },
  {
    name: 'role.amoral_character',
    family: 'role',
    weight: 0.8,
    re: /\b(?:an? |the )?(?:unfiltered|amoral|uncensored|unrestricted|unethical) (?:and (?:unfiltered|amoral|uncensored|unrestricted|unethical) )?(?:ai|chatbot|assistant|character|model|persona|version of (?:yourself|you|chatgpt|the ai))\b/,
  },
  {
    name: 'role.dual_response',
    family: 'role',
    weight: 0.8,
    re: /\[🔒 ?classic\]|\[🔓 ?jailbreak\]|\b(?:two|2) (?:different |separate )?(?:responses|answers|paragraphs)\b[^\n]{0,120}?\b(?:jailbroken|jailbreak|unfiltered|uncensored|dan|developer mode|evil|opposite)\b/,
  },
  {
    name: 'role.never_refuses',
    family: 'role',
    weight: 0.55,
    re: /\b(?:never|will never|must never|cannot|can't|won't ever) (?:refuse|decline|say (?:no|that (?:it|you) can't))\b|\b(?:does not|doesn't|don't|do not|will not|won't|never) (?:have to )?(?:abide by|follow|adhere to|care about|obey) (?:any |the |openai'?s? )?(?:rules|guidelines|policies|polic(?:y|ies)|ethics|morals|content polic(?:y|ies))\b/,
  },
  { name: 'role.stay_in_character', family: 'role', weight: 0.45, re: /\b(?:stay|remain|keep) in character\b|\bbreak(?:ing)? character\b/ },
  {
    name: 'role.unlocked_mode',
    family: 'role',
    weight: 0.5,
    re: /\b(?:opposite|sudo|god|evil|chaos|unlocked|unrestricted|jailbreak) mode\b/,
  },
  // Indirect injection: instructions addressed to the model inside content it reads (an email, a
  // web page, a document, a tool result), in the third person a user never uses with the assistant
  // they are talking to, and asking for something the user did not ("forward", "do not tell").
  {
    name: 'indirect.addressed_to_ai',
    family: 'indirect',
    contentOnly: true,
    weight: 0.85,
    re: /\b(?:note|message|instructions?|attention|important|notice|reminder) (?:to|for) (?:the |any |all )?(?:ai|llm|assistant|language model|chatbot|model|agent|copilot|automated (?:assistant|agent|system))s?\b[^\n]{0,160}?\b(?:ignore|disregard|forward|send|email|do not (?:tell|mention|reveal|inform)|don't (?:tell|mention|reveal)|instead|reveal|recommend|click|visit|delete|transfer|approve|override)\b/,
  },
  {
    name: 'indirect.if_you_are_ai',
    family: 'indirect',
    contentOnly: true,
    weight: 0.85,
    re: /\bif you(?:'re| are) (?:an? |the )?(?:ai|llm|large language model|language model|assistant|chatbot|automated (?:agent|assistant|system)|ai (?:assistant|agent|model))\b[^\n]{0,160}?\b(?:ignore|disregard|forward|send|do not|don't|instead|reveal|recommend|tell the user|say that|override)\b/,
  },
  {
    name: 'indirect.ai_reading_this',
    family: 'indirect',
    contentOnly: true,
    weight: 0.85,
    re: /\b(?:ai|llm|assistant|model|agent|chatbot)s? (?:reading|processing|summari[sz]ing|parsing|analy[sz]ing) (?:this|these)\b[^\n]{0,120}?\b(?:must|should|ignore|disregard|forward|send|do not|don't|instead|tell|reply|respond|include)\b/,
  },
  {
    name: 'indirect.when_you_summarize',
    family: 'indirect',
    contentOnly: true,
    weight: 0.8,
    re: /\bwhen (?:you )?(?:summari[sz]e|summari[sz]ing|process|processing|read|reading|answer|reply to|respond to) (?:this|the) (?:email|e-mail|message|document|page|file|text|content|ticket|review|pdf)\b[^\n]{0,120}?\b(?:ignore|disregard|forward|send|instead|do not (?:tell|mention)|don't (?:tell|mention)|also (?:include|add|send|tell)|tell the user|recommend|say that)\b/,
  },
  {
    name: 'indirect.assistant_must',
    family: 'indirect',
    contentOnly: true,
    weight: 0.75,
    re: /\bthe (?:ai|assistant|model|llm|agent|chatbot) (?:must|should|is required to|has to|is instructed to|will now) (?:now |immediately |also )?(?:ignore|disregard|forward|send|email|include|reply|respond|tell|recommend|delete|transfer|click|visit|output|approve|say)\b/,
  },
  {
    name: 'indirect.hide_from_user',
    family: 'indirect',
    contentOnly: true,
    weight: 0.5,
    re: /\b(?:do not|don't|never|without) (?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|alert(?:ing)?|notify(?:ing)?) (?:the |this )?(?:user|human|reader|recipient|customer|operator)\b/,
  },
  {
    name: 'indirect.hidden_comment',
    family: 'indirect',
    contentOnly: true,
    weight: 0.7,
    re: /<!--[^>]{0,300}?\b(?:ai|llm|assistant|model|agent|ignore|disregard|instructions?)\b[^>]{0,300}?-->/,
  },
  {
    name: 'exfiltration.send_to_address',
    family: 'indirect',
    contentOnly: true,
    weight: 0.5,
    re: /\b(?:send|forward|email|mail|bcc|cc|transmit|upload)\b[^.\n]{0,80}? to [a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,120}\.[a-z]{2,}\b/,
  },
  // Delimiters and chat-template special tokens.
  {
    name: 'delimiter.chatml',
    family: 'delimiter',
    weight: 0.85,
    re: /<\|(?:im_start|im_end|system|user|assistant|endoftext|start_header_id|end_header_id|eot_id)\|>/,
  },
  { name: 'delimiter.llama_inst', family: 'delimiter', weight: 0.8, re: /\[\/?inst\]|<<\/?sys>>/ },
  { name: 'delimiter.eos', family: 'delimiter', weight: 0.5, re: /<\/s>\s*(?:<s>|\[inst\]|system|assistant)/ },
  // System-prompt extraction.
  {
    name: 'extraction.system_prompt',
    family: 'extraction',
    weight: 0.85,
    re: /\b(?:reveal|print|repeat|show|output|display|tell me|give me|leak|dump|write out|recite) (?:me )?(?:(?:your|the) (?:full |entire |exact |original |hidden |secret |initial )?(?:system prompt|system instructions|initial instructions|hidden instructions|original instructions)|your (?:full |entire |exact )?system message)\b/,
  },
  {
    name: 'extraction.words_above',
    family: 'extraction',
    weight: 0.6,
    re: /\b(?:repeat|print|output) (?:all |everything |the (?:words|text) )(?:above|before this)\b/,
  },
  // Exfiltration: sending data to a URL, or a markdown image whose URL carries data.
  // Business text is full of "send … to the team": without a URL the lazy scan after every verb is wasted.
  {
    name: 'exfiltration.send_to_url',
    family: 'exfiltration',
    weight: 0.8,
    hints: ['://', 'www.'],
    re: /\b(?:send|post|upload|forward|transmit|exfiltrate|leak)\b[^.\n]{0,80}? to (?:https?:\/\/|www\.)/,
  },
  {
    name: 'exfiltration.markdown_image_query',
    family: 'exfiltration',
    weight: 0.8,
    re: /!\[[^\]\n]{0,100}\]\(https?:\/\/[^)\s?]{1,200}\?[^)\s=]{1,50}=/,
  },
];

export interface InjectionScore {
  readonly score: number;
  readonly family: InjectionFamily;
  readonly rule: string;
  /** Offset of the best rule's match in the normalised (or decoded) text. */
  readonly offset: number;
  readonly families: Partial<Record<InjectionFamily, number>>;
  readonly encoding: 'none' | 'base64' | 'hex';
}

export interface InjectionLimits {
  readonly maxDecodedRuns: number;
  readonly maxDecodedChars: number;
}

/**
 * What the text is: the user speaking to the model (every rule but the content-only ones), content
 * the model reads (a tool result: every rule), or the part of a user turn pasted below the request
 * (already read as speech with the rest of the turn: only the content-only rules).
 */
export type TextRole = 'speech' | 'content' | 'pasted';

/** The best family in `text` (raw), or null when no rule matches. */
export function scoreInjection(text: string, limits: InjectionLimits, role: TextRole = 'content'): InjectionScore | null {
  let best = scoreNormalized(normalizeText(text), 'none', role);
  for (const decoded of decodedRuns(text, limits)) {
    const found = scoreNormalized(normalizeText(decoded.text), decoded.encoding, role);
    if (found !== null && (best === null || found.score > best.score)) best = found;
  }
  return best;
}

function scoreNormalized(text: string, encoding: InjectionScore['encoding'], role: TextRole): InjectionScore | null {
  const families: Partial<Record<InjectionFamily, number>> = {};
  const top: Partial<Record<InjectionFamily, { weight: number; rule: string; offset: number }>> = {};
  for (const rule of RULES) {
    if (rule.contentOnly === true ? role === 'speech' : role === 'pasted') continue;
    if (rule.hints !== undefined && !rule.hints.some((h) => text.includes(h))) continue;
    const m = rule.re.exec(text);
    if (m === null) continue;
    families[rule.family] = 1 - (1 - (families[rule.family] ?? 0)) * (1 - rule.weight);
    const t = top[rule.family];
    if (t === undefined || rule.weight > t.weight) top[rule.family] = { weight: rule.weight, rule: rule.name, offset: m.index };
  }
  let family: InjectionFamily | null = null;
  for (const f of Object.keys(families) as InjectionFamily[]) {
    // Ties go to the role family: a persona attack with an override phrase is a jailbreak.
    if (family === null || families[f]! > families[family]! || (families[f] === families[family] && f === 'role')) family = f;
  }
  if (family === null) return null;
  const t = top[family]!;
  const rounded = Object.fromEntries(Object.entries(families).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  return {
    score: Math.round(families[family]! * 1000) / 1000,
    family,
    rule: `injection:${t.rule}`,
    offset: t.offset,
    families: rounded,
    encoding,
  };
}

const BASE64_RUN = /[A-Za-z0-9+/]{24,}={0,2}|[A-Za-z0-9_-]{24,}/g;
const HEX_RUN = /\b(?:[0-9a-fA-F]{2}){12,}\b/g;

/** Whether the text holds 24 or more base64/hex characters in a row: prose rarely does, and then
 *  neither run regex can match, so they are not run (each would try every position). */
function hasLongRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const inRun =
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2b ||
      c === 0x2f ||
      c === 0x5f ||
      c === 0x2d;
    run = inRun ? run + 1 : 0;
    if (run >= 24) return true;
  }
  return false;
}

function* decodedRuns(text: string, limits: InjectionLimits): Generator<{ text: string; encoding: 'base64' | 'hex' }> {
  if (!hasLongRun(text)) return;
  let runs = 0;
  for (const [re, encoding] of [
    [HEX_RUN, 'hex'],
    [BASE64_RUN, 'base64'],
  ] as const) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null && runs < limits.maxDecodedRuns) {
      const run = m[0].slice(0, limits.maxDecodedChars);
      if (encoding === 'base64' && /^[0-9a-fA-F]+$/.test(run)) continue;
      runs++;
      const decoded = Buffer.from(run, encoding === 'hex' ? 'hex' : 'base64').toString('utf8');
      if (mostlyPrintable(decoded)) yield { text: decoded, encoding };
    }
  }
}

function mostlyPrintable(s: string): boolean {
  if (s.length < 8) return false;
  let printable = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  }
  return printable / s.length >= 0.9;
}
