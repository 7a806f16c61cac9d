// A fast first opinion on a text's language, before tinyld (~0.2–1 ms a text): function words
// for Latin-script languages, and the script itself for the writing systems only one language
// uses. It names a language only on plain evidence and otherwise says nothing, leaving the text
// to tinyld; language.ts only ever lets it settle "same language", never report a drift.

// English function words that are not also common words of another Latin-script language (no
// "a", "in", "is", "on", "to", "die", "was", "will", "of", "as", "an").
// Short prompts ("Explain the difference between … in two sentences.") hold one or two of the
// commonest, so common English-only verbs and adverbs of requests and answers count too.
const ENGLISH = `the and that this with for you your are have has been from which would there their they it its be not by can
  what when we our were should could about how why who does did please between into than then them these those some more
  only also just each every after before because but if two three explain write give tell describe summarize summarise make
  makes using usually never always without other over here where get gets got new one year years day days any many much most
  such very up out may must being her his him she done yes like know need use used first last next same well within until
  around through during both whether however therefore us`;

// Function words of the other Latin-script languages users often write in. Only words found in
// one list count (computed below), so "de", "la", "que", "con", "para" decide nothing.
const OTHERS: Readonly<Record<string, string>> = {
  de: `der die das und ist nicht ein eine mit auf sie wir ich sind aber oder auch im dem den zu für sich werden wird kann bei nach
    noch nur schon wenn dass einen einer haben ihr ihre sein seine über zum zur vom wie er als`,
  fr: `le les une des du est avec pour mais nous vous sont dans il elle ils pas sur au aux cette ces sa ses leur être été très peut
    fait comme tout tous ou où et votre vos à je`,
  es: `el los las y una con para por pero del muy está están como más su sus al lo se este esta esto puede también sobre hay
    cuando donde qué cómo cuál usted`,
  it: `il di della delle degli dei sono non che gli lo per con una è anche questo questa nel nella alla molto più sul ma perché ci
    del su da`,
  pt: `não os uma com em da dos das ao à você são mais muito também pela pelo isso esse essa para por está é um seu sua minha meu
    se como sobre este esta`,
  nl: `het een van zijn niet dat op voor maar ook naar bij wordt worden kunnen deze dit als er hebben heeft uw je wij hoe wat welke`,
  // Not decided here (left to tinyld), but their words keep the others from claiming such a text.
  ca: `amb els però aquest aquesta perquè molt són fins doncs per`,
  gl: `unha coa polo pola máis non`,
  ro: `și că pentru sunt acest această care nu cu este`,
  sv: `och att är inte som för på med jag har`,
  da: `og er ikke til jeg`,
  pl: `nie się jest że jak ale czy na`,
  tr: `ve bir bu için ile`,
  id: `yang dan ini itu untuk dengan tidak dari`,
};
const DECIDED = new Set(['en', 'de', 'fr', 'es', 'it', 'pt', 'nl']);

/** Word → the one language it marks (English words win over another list's). */
const MARKS: ReadonlyMap<string, string> = (() => {
  const seen = new Map<string, Set<string>>();
  for (const [lang, list] of Object.entries(OTHERS)) {
    for (const w of list.split(/\s+/).filter(Boolean)) {
      if (!seen.has(w)) seen.set(w, new Set());
      seen.get(w)!.add(lang);
    }
  }
  const marks = new Map<string, string>();
  for (const [w, langs] of seen) if (langs.size === 1) marks.set(w, [...langs][0]);
  for (const w of ENGLISH.split(/\s+/).filter(Boolean)) marks.set(w, 'en');
  return marks;
})();

const MIN_WORDS = 2;
const MIN_SHARE = 0.12;
/** Words of other languages tolerated (a name such as "El Paso", a quoted title). */
const MAX_OTHER = 1;
const WORDS = /[a-z\u00c0-\u024f]+/g;

/** The language the text's function words plainly mark, or null. */
export function markedLanguage(text: string): string | null {
  const words = text.toLowerCase().match(WORDS);
  if (words === null) return null;
  const hits = new Map<string, number>();
  let marked = 0;
  for (const w of words) {
    const lang = MARKS.get(w);
    if (lang === undefined) continue;
    hits.set(lang, (hits.get(lang) ?? 0) + 1);
    marked++;
  }
  let best: string | null = null;
  let most = 0;
  for (const [lang, n] of hits) if (n > most) [best, most] = [lang, n];
  if (best === null || !DECIDED.has(best)) return null;
  return most >= MIN_WORDS && most / words.length >= MIN_SHARE && marked - most <= MAX_OTHER ? best : null;
}

// Writing systems of one language each: a text written in one needs no model.
const SCRIPTS: readonly { lang: string; from: number; to: number }[] = [
  { lang: 'ko', from: 0xac00, to: 0xd7af },
  { lang: 'ko', from: 0x1100, to: 0x11ff },
  { lang: 'ko', from: 0x3130, to: 0x318f },
  { lang: 'ja', from: 0x3040, to: 0x30ff },
  { lang: 'th', from: 0x0e00, to: 0x0e7f },
  { lang: 'el', from: 0x0370, to: 0x03ff },
  { lang: 'hy', from: 0x0530, to: 0x058f },
];
const HAN = { from: 0x4e00, to: 0x9fff };
/** Share of the letters that must be in the one script (Japanese: kana and the kanji with it). */
const SCRIPT_SHARE = 0.8;
const MIN_KANA_SHARE = 0.1;

/** The language of a text written in a script only it uses, or null. */
export function scriptLanguage(text: string): string | null {
  let letters = 0;
  let han = 0;
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
      continue;
    }
    if (c >= HAN.from && c <= HAN.to) {
      han++;
      letters++;
      continue;
    }
    const script = SCRIPTS.find((s) => c >= s.from && c <= s.to);
    if (script !== undefined) counts.set(script.lang, (counts.get(script.lang) ?? 0) + 1);
    if (script !== undefined || isLetter(text[i])) letters++;
  }
  if (letters === 0) return null;
  for (const [lang, n] of counts) {
    if (lang === 'ja') {
      if (n >= MIN_KANA_SHARE * letters && n + han >= SCRIPT_SHARE * letters) return 'ja';
    } else if (n >= SCRIPT_SHARE * letters) return lang;
  }
  return null;
}

const LETTER = /\p{L}/u;
const isLetter = (ch: string): boolean => LETTER.test(ch);

/** Letters in the text (any script). */
export function countLetters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) n++;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      if (LETTER.test(text.slice(i, i + 2))) n++;
      i++;
    } else if (LETTER.test(text[i])) n++;
  }
  return n;
}
