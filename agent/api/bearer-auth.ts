// Optional bearer-token check. Both tokens are hashed to equal-length digests before
// timingSafeEqual, so neither the comparison time nor an early length check reveals the token.
import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthOutcome = 'ok' | 'missing' | 'invalid';

export function createBearerCheck(token: string): (authorization: string | undefined) => AuthOutcome {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (!match) return authorization ? 'invalid' : 'missing';
    return timingSafeEqual(digest(match[1]), expected) ? 'ok' : 'invalid';
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** RFC 6750 §3 challenge for a 401. */
export function bearerChallenge(outcome: Exclude<AuthOutcome, 'ok'>): string {
  return outcome === 'missing' ? 'Bearer realm="faultline"' : 'Bearer realm="faultline", error="invalid_token"';
}
