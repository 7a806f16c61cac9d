// A local HTTP server that answers like an OpenAI-compatible provider (or a LiteLLM proxy in front
// of one): POST …/chat/completions gets a chat.completion after a lognormal delay, every
// `rateLimitEvery`-th request a 429 with OpenAI's error body and Retry-After, or no answer at all
// while hanging. It records what it was sent.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeProvider {
  readonly url: string;
  readonly requests: { path: string; headers: IncomingHttpHeaders; body: { model?: string; max_tokens?: number } }[];
  setHanging(hanging: boolean): void;
  close(): Promise<void>;
}

export async function startFakeProvider(
  options: { medianMs?: number; rateLimitEvery?: number; seed?: number } = {},
): Promise<FakeProvider> {
  const requests: FakeProvider['requests'] = [];
  let hanging = false;
  let s = options.seed ?? 7;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text || '{}');
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (hanging) return;
      if (req.method !== 'POST' || !/\/chat\/completions$/.test(req.url ?? '')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
        return;
      }
      const n = requests.length;
      if (options.rateLimitEvery && n % options.rateLimitEvery === 0) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
        res.end(
          JSON.stringify({
            error: {
              message: `Rate limit reached for ${body.model} on requests per min (RPM): Limit 3.`,
              type: 'requests',
              code: 'rate_limit_exceeded',
            },
          }),
        );
        return;
      }
      const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      const delay = (options.medianMs ?? 20) * Math.exp(0.4 * normal);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${n}`,
            object: 'chat.completion',
            model: `${body.model}-2025-01-01`,
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
          }),
        );
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHanging: (h) => {
      hanging = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
