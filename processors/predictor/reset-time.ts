// The reset headers as seconds from the reading: OpenAI sends a duration ("6m0s", "1.5s",
// "120ms"), Anthropic an RFC 3339 instant. null when absent or unreadable.
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|h|m|s))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

export function resetSeconds(value: string | null, atMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (text === '') return null;
  if (DURATION.test(text)) {
    let ms = 0;
    for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
    return ms / 1000;
  }
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, (at - atMs) / 1000);
}
