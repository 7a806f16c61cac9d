// Binding the API to its "host:port" endpoint (validated by config/units.ts endpoint()).
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

export interface BoundAddress {
  host: string;
  /** The port bound: the OS's choice when the endpoint said 0. */
  port: number;
}

export async function listenAddress(app: FastifyInstance, endpoint: string): Promise<BoundAddress> {
  const colon = endpoint.lastIndexOf(':');
  // ":8080" means every interface; otherwise the host as written (brackets dropped for IPv6).
  const host = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
  const port = Number(endpoint.slice(colon + 1));
  try {
    await app.listen({ host, port });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the address is already in use; stop the other process or change api.endpoint'
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? 'no local interface has that address; change api.endpoint'
          : code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges)'
            : (cause as Error).message;
    throw new Error(`The API cannot listen on ${endpoint}: ${why}.`, { cause });
  }
  const address = app.server.address() as AddressInfo;
  return { host: address.address, port: address.port };
}
