// Security checks on a call's captured content: prompt injection / jailbreak in user turns and
// tool or retrieval results (indirect injection), PII and secrets in the completion, secrets sent
// in the prompt, and system-prompt leaks. Evidence carries rule names, sources, offsets and masked
// excerpts only, never the matched text; every scan is capped at max_scan_chars per call.
import type { LlmCall, Message } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { findPii, type PiiHit } from './pii.ts';
import { scoreInjection, type InjectionScore, type TextRole } from './prompt-injection.ts';
import { findSecrets, type SecretHit } from './secrets.ts';
import { findSystemPromptLeak } from './system-prompt-leak.ts';

export interface SecuritySettings {
  readonly injectionThreshold: number;
  readonly maxScanChars: number;
  readonly maxDecodedRuns: number;
  readonly maxDecodedChars: number;
  readonly piiMinConfidence: number;
  readonly leakShingleWords: number;
  readonly leakMinOverlapWords: number;
  readonly maxEvidenceHits: number;
}

type Source = 'user' | 'tool';

interface Scanned {
  readonly source: Source;
  readonly messageIndex: number;
  readonly text: string;
  readonly role: TextRole;
}

export function detectSecurity(call: LlmCall, s: SecuritySettings): Signal[] {
  const content = call.content;
  if (content === null) return [];
  const signals: Signal[] = [];
  const injection = detectInjection(content.inputMessages, s);
  if (injection !== null) signals.push(injection);
  const output = cap(content.outputText ?? '', s.maxScanChars);
  if (output !== '') {
    // Contact details the operator published in the system prompt (a support address, a hotline)
    // are the assistant's to give out: repeating them is the answer, not a leak.
    const published = publishedBy(content.systemPrompt, s.maxScanChars);
    const pii = findPii(output).filter((h) => h.confidence >= s.piiMinConfidence && !published(h, output));
    if (pii.length > 0) {
      const top = pii.reduce((a, b) => (b.confidence > a.confidence ? b : a));
      signals.push(
        securitySignal('pii_leakage', 'pattern_checksum', top.rule, top.confidence, {
          source: 'output',
          pii_types: [...new Set(pii.map((h) => h.type))],
          hit_count: pii.length,
          hits: pii.slice(0, s.maxEvidenceHits).map(({ type, offset, masked }) => ({ type, offset, masked })),
        }),
      );
    }
  }
  const secrets = detectSecrets(output, content.systemPrompt, content.inputMessages, s);
  if (secrets !== null) signals.push(secrets);
  if (content.systemPrompt !== null && output !== '') {
    const leak = findSystemPromptLeak(content.systemPrompt, output, {
      shingleWords: s.leakShingleWords,
      minOverlapWords: s.leakMinOverlapWords,
      maxChars: s.maxScanChars,
    });
    if (leak !== null) {
      const confidence = Math.min(1, Math.round((0.6 + (0.4 * leak.overlapWords) / leak.systemPromptWords) * 100) / 100);
      signals.push(
        securitySignal('system_prompt_leak', 'ngram_overlap', `leak:shingle_${s.leakShingleWords}`, confidence, {
          source: 'output',
          overlap_words: leak.overlapWords,
          system_prompt_words: leak.systemPromptWords,
          word_offset: leak.offset,
        }),
      );
    }
  }
  return signals;
}

function detectInjection(messages: readonly Message[], s: SecuritySettings): Signal | null {
  let best: { found: InjectionScore; at: Scanned } | null = null;
  for (const at of scannedTexts(messages, s.maxScanChars)) {
    const found = scoreInjection(at.text, { maxDecodedRuns: s.maxDecodedRuns, maxDecodedChars: s.maxDecodedChars }, at.role);
    if (found !== null && found.score >= s.injectionThreshold && (best === null || found.score > best.found.score)) best = { found, at };
  }
  if (best === null) return null;
  const { found, at } = best;
  const subtype = found.family === 'role' ? 'jailbreak' : 'prompt_injection';
  return securitySignal(subtype, 'phrase_pattern', found.rule, found.score, {
    source: at.source,
    family: found.family,
    families: found.families,
    message_index: at.messageIndex,
    offset: found.offset,
    encoding: found.encoding,
  });
}

/**
 * User turns and tool/retrieval results, in order, until max_scan_chars is used up. A tool result
 * is content; a user turn is speech, except what follows its first line when it spans several: the
 * email, page or document the user pasted after saying what to do with it.
 */
function* scannedTexts(messages: readonly Message[], maxChars: number): Generator<Scanned> {
  let left = maxChars;
  for (let i = 0; i < messages.length && left > 0; i++) {
    const m = messages[i];
    const role = m.role.toLowerCase();
    for (const part of m.parts) {
      if (part.content === null || part.content === '' || left <= 0) continue;
      const fromTool = role === 'tool' || role === 'function' || role === 'ipython' || part.type === 'tool_call_response';
      if (!fromTool && role !== 'user') continue;
      const text = cap(part.content, left);
      left -= text.length;
      if (fromTool) {
        yield { source: 'tool', messageIndex: i, text, role: 'content' };
        continue;
      }
      yield { source: 'user', messageIndex: i, text, role: 'speech' };
      const pasted = pastedContent(text);
      if (pasted !== null) yield { source: 'user', messageIndex: i, text: pasted, role: 'pasted' };
    }
  }
}

/** What follows the first line of a multi-line user turn, when there is enough of it to be a document. */
function pastedContent(text: string): string | null {
  const nl = text.indexOf('\n');
  if (nl < 0) return null;
  const rest = text.slice(nl + 1);
  return rest.trim().length >= 40 ? rest : null;
}

function detectSecrets(output: string, systemPrompt: string | null, messages: readonly Message[], s: SecuritySettings): Signal | null {
  const hits: Array<SecretHit & { source: 'output' | 'input' }> = findSecrets(output).map((h) => ({ ...h, source: 'output' as const }));
  let left = s.maxScanChars;
  const inputs = [systemPrompt ?? '', ...messages.flatMap((m) => m.parts.map((p) => p.content ?? ''))];
  for (const text of inputs) {
    if (left <= 0) break;
    const capped = cap(text, left);
    left -= capped.length;
    hits.push(...findSecrets(capped).map((h) => ({ ...h, source: 'input' as const })));
  }
  if (hits.length === 0) return null;
  const inOutput = hits.filter((h) => h.source === 'output');
  const decisive = inOutput.length > 0 ? inOutput : hits;
  const top = decisive.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return securitySignal('secret_leakage', 'secret_pattern', top.rule, top.confidence, {
    source: inOutput.length > 0 ? 'output' : 'input',
    secret_types: [...new Set(decisive.map((h) => h.type))],
    hit_count: hits.length,
    hits: hits.slice(0, s.maxEvidenceHits).map(({ type, source, offset, masked }) => ({ type, source, offset, masked })),
  });
}

function securitySignal(subtype: string, method: string, rule: string, confidence: number, evidence: Record<string, unknown>): Signal {
  return {
    category: 'security',
    subtype,
    detection_method: method,
    confidence,
    evidence: { rule, ...evidence },
    // Out of band: the daemon sees the call after it happened, so nothing was blocked by it.
    fields: { threat_type: subtype, blocked: false, matched_pattern: rule, confidence },
  };
}

const cap = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);

/** Whether a PII hit in `text` repeats a value written in `source` (digits compared without separators). */
function publishedBy(source: string | null, maxChars: number): (hit: PiiHit, text: string) => boolean {
  if (source === null || source === '') return () => false;
  const capped = cap(source, maxChars);
  const lower = capped.toLowerCase();
  let digits: string | null = null;
  return (hit, text) => {
    const raw = text.slice(hit.offset, hit.offset + hit.length);
    if (hit.type === 'email' || hit.type === 'ip_address') return lower.includes(raw.toLowerCase());
    const own = raw.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
    digits ??= capped.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
    // A phone may be written with or without its country code: its last nine digits identify it.
    return digits.includes(hit.type === 'phone' ? own.slice(-9) : own);
  };
}
