// One POST with a deadline, reduced to what the retry policy needs: status, Retry-After and the
// start of the body (for the log line of a permanent failure).

export interface PreparedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type PostResult = { ok: true; status: number; retryAfter: string | null; bodyStart: string } | { ok: false; error: Error };

const BODY_LOG_CHARS = 1_000;

/** `stop` aborts the request early (shutdown); the timeout still applies. */
export async function post(request: PreparedRequest, timeoutMs: number, stop?: AbortSignal): Promise<PostResult> {
  try {
    const res = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: request.body,
      signal: stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = await res.text().catch(() => '');
    return { ok: true, status: res.status, retryAfter: res.headers.get('retry-after'), bodyStart: text.slice(0, BODY_LOG_CHARS) };
  } catch (err) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout, ...) is in its cause.
    const error = err instanceof Error ? err : new Error(String(err));
    const cause = error.cause as { code?: string; message?: string } | undefined;
    const detail = cause?.code ?? cause?.message;
    return { ok: false, error: detail ? new Error(`${error.message}: ${detail}`, { cause: error }) : error };
  }
}
