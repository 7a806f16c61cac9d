// Posts to an OTLP/HTTP receiver as the OpenTelemetry exporters do: a 429 or 503 is retried after
// its Retry-After (the agent's answer to a loaded moment, not a failure), anything else is returned.
// Tests that must see the refusal itself call fetch directly.

export interface OtlpAnswer {
  status: number;
  body: string;
  retries: number;
}

export async function postOtlp(
  url: string,
  contentType: string,
  body: string | Uint8Array,
  { maxRetries = 20, maxWaitMs = 2_000 }: { maxRetries?: number; maxWaitMs?: number } = {},
): Promise<OtlpAnswer> {
  for (let retries = 0; ; retries++) {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body });
    const text = await res.text();
    if ((res.status !== 429 && res.status !== 503) || retries >= maxRetries) return { status: res.status, body: text, retries };
    const after = Number(res.headers.get('retry-after') ?? 1);
    await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, (Number.isFinite(after) ? after : 1) * 1000)));
  }
}
