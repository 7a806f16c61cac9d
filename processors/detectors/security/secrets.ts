// Credentials in text: provider API keys, cloud keys, private-key headers, connection strings with
// a password, bearer tokens. Each rule names its prefix, which is kept in the masked excerpt; the
// rest of the value is starred. Documentation placeholders (`user:password@`, `sk-...`) are skipped.
import { maskSecret, maskValue } from './mask.ts';

export interface SecretHit {
  readonly type: string;
  readonly rule: string;
  readonly offset: number;
  readonly masked: string;
  readonly confidence: number;
}

interface SecretRule {
  readonly type: string;
  readonly confidence: number;
  readonly re: RegExp;
  /** Literals one of which every match contains: the regex runs only when the text has one. */
  readonly hints: readonly string[];
  /** The masked excerpt, or null when the match is a placeholder rather than a credential. */
  readonly mask: (m: RegExpMatchArray) => string | null;
}

const keyLike = (tail: string): boolean => /\d/.test(tail) && /[A-Za-z]/.test(tail) && !/^(?:x+|\*+|\.+)$/i.test(tail);
const prefixed =
  (prefixRe: RegExp) =>
  (m: RegExpMatchArray): string | null => {
    const prefix = prefixRe.exec(m[0])?.[0] ?? '';
    return keyLike(m[0].slice(prefix.length)) ? maskSecret(m[0], prefix) : null;
  };

const PLACEHOLDER_PASSWORD =
  /^(?:password|passwd|pass|pwd|secret|changeme|\*+|x+|\.+|<[^>]*>|\$\{?[A-Za-z_][^}]*\}?|\{\{?[^}]*\}\}?|%[a-z_]*%?)$/i;

const RULES: readonly SecretRule[] = [
  {
    type: 'anthropic_api_key',
    confidence: 0.95,
    hints: ['sk-ant-'],
    re: /\bsk-ant-[A-Za-z0-9_-]{20,200}/g,
    mask: prefixed(/^sk-ant-(?:[a-z]{3}\d\d-)?/),
  },
  {
    type: 'openai_api_key',
    confidence: 0.95,
    hints: ['sk-'],
    re: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}/g,
    mask: prefixed(/^sk-(?:proj-|svcacct-|admin-)?/),
  },
  {
    type: 'aws_access_key_id',
    confidence: 0.95,
    hints: ['AKIA', 'ASIA'],
    re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    mask: prefixed(/^(?:AKIA|ASIA)/),
  },
  {
    type: 'github_token',
    confidence: 0.95,
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
    mask: prefixed(/^(?:gh[pousr]_|github_pat_)/),
  },
  { type: 'slack_token', confidence: 0.95, hints: ['xox'], re: /\bxox[baprs]-[A-Za-z0-9-]{10,200}/g, mask: prefixed(/^xox[baprs]-/) },
  { type: 'google_api_key', confidence: 0.95, hints: ['AIza'], re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, mask: prefixed(/^AIza/) },
  {
    type: 'stripe_secret_key',
    confidence: 0.95,
    hints: ['k_live_', 'k_test_'],
    re: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{20,200}/g,
    mask: prefixed(/^[sr]k_(?:live|test)_/),
  },
  {
    // Azure storage / Service Bus / Event Hubs connection strings carry the key itself.
    type: 'azure_shared_key',
    confidence: 0.9,
    hints: ['AccountKey=', 'SharedAccessKey='],
    re: /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{30,200}={0,2}/g,
    mask: (m) => {
      const eq = m[0].indexOf('=') + 1;
      return keyLike(m[0].slice(eq)) ? maskSecret(m[0], m[0].slice(0, eq)) : null;
    },
  },
  {
    type: 'private_key',
    confidence: 1,
    hints: ['PRIVATE KEY'],
    re: /-----BEGIN (?:[A-Z0-9]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g,
    mask: (m) => m[0],
  },
  {
    type: 'connection_string',
    confidence: 0.85,
    hints: ['://'],
    re: /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver):\/\/([^\s:/@]{1,64}):([^\s@/]{1,128})@([^\s/?#]{1,253})/g,
    mask: (m) =>
      PLACEHOLDER_PASSWORD.test(m[3])
        ? null
        : `${m[1]}://${maskValue(m[2], 1, 0)}:${'*'.repeat(Math.min(m[3].length, 12))}@${maskValue(m[4], 0, 4)}`,
  },
  {
    type: 'bearer_token',
    confidence: 0.8,
    hints: ['Bearer'],
    re: /\bBearer\s+([A-Za-z0-9\-._~+/]{20,2000}=*)/g,
    mask: (m) => (keyLike(m[1]) ? `Bearer ${maskValue(m[1], 0, 4)}` : null),
  },
];

export function findSecrets(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  const taken: Array<readonly [number, number]> = [];
  for (const rule of RULES) {
    // A substring search is far cheaper than a regex trying every word boundary of the text.
    if (!rule.hints.some((h) => text.includes(h))) continue;
    for (const m of text.matchAll(rule.re)) {
      const masked = rule.mask(m);
      if (masked === null) continue;
      // A bearer token that is one of the provider keys above is reported once, as the key.
      const end = m.index + m[0].length;
      if (taken.some(([s, e]) => m.index < e && end > s)) continue;
      taken.push([m.index, end]);
      hits.push({ type: rule.type, rule: `secret:${rule.type}`, offset: m.index, masked, confidence: rule.confidence });
    }
  }
  return hits.sort((a, b) => a.offset - b.offset);
}
