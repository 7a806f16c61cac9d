// The optional request signature: HMAC-SHA256 over "<unix seconds>.<body>", so a receiver can
// check both origin and freshness (a captured request cannot be replayed much later).
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-faultline-signature';

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
