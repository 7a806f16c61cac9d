// A local HTTP server standing in for a webhook, PagerDuty or Slack endpoint: it records every
// request (time, path, headers, parsed body) and answers what the test scripts — 202 by default,
// or a queue of responses such as 503 + Retry-After, 400 with a body, or "down" (socket closed).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  atMs: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  text: string;
  body: unknown;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface RecordingReceiver {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answers these, in order, to the next requests; then the default. */
  respondWith(...responses: ScriptedResponse[]): void;
  /** While down, connections are destroyed without an answer (a network error for the client). */
  setDown(down: boolean): void;
  /** While hanging, requests are recorded but never answered. */
  setHanging(hanging: boolean): void;
  /** Resolves once `n` requests have been recorded. */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startRecordingReceiver(
  defaultResponse: ScriptedResponse = { status: 202, body: '{"status":"success"}' },
): Promise<RecordingReceiver> {
  const requests: RecordedRequest[] = [];
  const script: ScriptedResponse[] = [];
  let down = false;
  let hanging = false;
  const server: Server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      requests.push({ atMs: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, text, body });
      if (hanging) return;
      const r = script.shift() ?? defaultResponse;
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (...responses) => void script.push(...responses),
    setDown(value) {
      down = value;
    },
    setHanging(value) {
      hanging = value;
    },
    async waitForRequests(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`Expected ${n} requests, got ${requests.length} within ${timeoutMs} ms.`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return requests.slice(0, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
