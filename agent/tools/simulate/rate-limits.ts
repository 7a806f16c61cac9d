// Per-deployment rate limits over a sliding minute, as the provider counts them: every attempt
// uses a request, a successful one uses its tokens. What is left is what the next response's
// x-ratelimit-remaining-* headers say; when nothing is left the provider answers 429. Volume
// spikes therefore exhaust headroom the way they do in production, with no scripted numbers.
import type { ModelSpec } from './price-table.ts';

const MINUTE_MS = 60_000;

interface Usage {
  atMs: number;
  tokens: number;
}

export interface Headroom {
  limitRequests: number;
  limitTokens: number;
  usedRequests: number;
  usedTokens: number;
}

export class DeploymentLimits {
  private readonly usage = new Map<string, { items: Usage[]; head: number; tokens: number }>();

  constructor(private readonly scale: number) {}

  /** What a deployment has used in the minute before `atMs`. */
  headroom(spec: ModelSpec, atMs: number): Headroom {
    const u = this.window(spec.model, atMs);
    return {
      limitRequests: Math.round(spec.requestsPerMin * this.scale),
      limitTokens: Math.round(spec.tokensPerMin * this.scale),
      usedRequests: u.items.length - u.head,
      usedTokens: u.tokens,
    };
  }

  record(spec: ModelSpec, atMs: number, tokens: number): void {
    const u = this.window(spec.model, atMs);
    u.items.push({ atMs, tokens });
    u.tokens += tokens;
  }

  private window(model: string, atMs: number) {
    let u = this.usage.get(model);
    if (!u) this.usage.set(model, (u = { items: [], head: 0, tokens: 0 }));
    while (u.head < u.items.length && u.items[u.head].atMs <= atMs - MINUTE_MS) u.tokens -= u.items[u.head++].tokens;
    if (u.head > 4096) {
      u.items = u.items.slice(u.head);
      u.head = 0;
    }
    return u;
  }
}
