// The soak's alert receiver: an Alertmanager-webhook endpoint that flaps. Up, it answers 200 and
// records each page (incident id + firing/resolved); down, it answers 503 or drops the connection,
// alternately, so the agent's retries meet both kinds of failure.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlappingReceiver {
  readonly url: string;
  /** Distinct pages received: `${incident_id} ${status}`. */
  readonly pages: ReadonlySet<string>;
  /** Requests answered 200, and refused while down. */
  readonly counts: { accepted: number; refused: number };
  setDown(down: boolean): void;
  readonly isDown: boolean;
  close(): Promise<void>;
}

export async function startFlappingReceiver(): Promise<FlappingReceiver> {
  const pages = new Set<string>();
  const counts = { accepted: 0, refused: 0 };
  let down = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down) {
        counts.refused++;
        if (counts.refused % 2 === 0) req.socket.destroy();
        else res.writeHead(503, { 'retry-after': '1' }).end();
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: string; groupLabels?: { incident_id?: string } };
        if (body.groupLabels?.incident_id && body.status) pages.add(`${body.groupLabels.incident_id} ${body.status}`);
      } catch {
        // not a webhook payload: still answered, never counted as a page
      }
      counts.accepted++;
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    pages,
    counts,
    setDown(d) {
      down = d;
    },
    get isDown() {
      return down;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
