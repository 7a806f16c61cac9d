// Slow-body (slowloris) and header-flood connections on the OTLP/HTTP and API ports are cut by
// their configured timeouts (read_header_timeout_ms, read_timeout_ms) or the header size limit,
// and both ports keep serving everyone else. Node alone would hold them for 60 s to 5 min.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floodHeader, postHead, slowClient } from '../support/slow-client.ts';
import { withTestSchema } from '../support/database.ts';
import { startReceiver, type ReceiverUnderTest } from '../agent/receivers/otlp/receiver-under-test.ts';
import { expectStillAnswers } from '../agent/receivers/otlp/requests.ts';
import { createApiServer, type ApiServer } from '../../agent/api/server.ts';
import { createHealth } from '../../agent/core/health.ts';
import { quietLogger } from '../support/database.ts';

const TIMEOUTS = { read_header_timeout_ms: 300, read_timeout_ms: 600, idle_timeout_ms: 1_000 };
// Far below Node's own limits (60 s for headers, 300 s for a request): only our timeouts cut in time.
const GIVE_UP_MS = 10_000;

const db = withTestSchema();
let otlp: ReceiverUnderTest;
let api: ApiServer;
let otlpPort = 0;
let apiPort = 0;

beforeAll(async () => {
  otlp = await startReceiver({ http: TIMEOUTS, grpc: false });
  otlpPort = Number(new URL(otlp.httpUrl).port);
  api = createApiServer(
    { endpoint: '127.0.0.1:0', auth: { bearer_token: '' }, ...TIMEOUTS },
    { database: db.database, health: createHealth(), logger: quietLogger(), pageSizes: { default: 10, max: 100 } },
  );
  apiPort = (await api.listen()).port;
});

afterAll(async () => {
  await otlp?.stop();
  await api?.close();
});

const ports = () => [
  { name: 'OTLP/HTTP', port: otlpPort, path: '/v1/traces' },
  { name: 'API', port: apiPort, path: '/api/v1/failures' },
];

describe('slow and flooding clients', () => {
  it('closes a connection whose headers arrive a line at a time (slowloris), answering 408', async () => {
    for (const { name, port, path } of ports()) {
      const cut = await slowClient(port, `POST ${path} HTTP/1.1\r\nHost: x\r\n`, floodHeader, { everyMs: 100, giveUpMs: GIVE_UP_MS });
      expect(cut.answer, name).toMatch(/^HTTP\/1\.1 408 /);
    }
  });

  it('closes a connection whose body arrives a byte at a time, answering 408', async () => {
    for (const { name, port, path } of ports()) {
      const cut = await slowClient(port, postHead(path, 1_000_000), () => '{', { everyMs: 100, giveUpMs: GIVE_UP_MS });
      expect(cut.answer, name).toMatch(/^HTTP\/1\.1 408 /);
    }
  });

  it('refuses a flood of headers past the size limit with 431 and closes the connection', async () => {
    for (const { name, port, path } of ports()) {
      const burst = (i: number) => Array.from({ length: 50 }, (_, j) => floodHeader(i * 50 + j)).join('');
      const cut = await slowClient(port, `POST ${path} HTTP/1.1\r\nHost: x\r\n`, burst, { everyMs: 5, giveUpMs: GIVE_UP_MS });
      expect(cut.answer, name).toMatch(/^HTTP\/1\.1 431 /);
    }
  });

  it('keeps serving ordinary requests while and after slow clients are cut', async () => {
    const slow = ports().map(({ port, path }) =>
      slowClient(port, postHead(path, 1_000), () => ' ', { everyMs: 100, giveUpMs: GIVE_UP_MS }),
    );
    await expectStillAnswers(otlp);
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);
    await Promise.all(slow);
    await expectStillAnswers(otlp);
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);
  });
});
