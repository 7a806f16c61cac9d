// Binding the API to its "host:port" endpoint (parsed as every listener's is, agent/core/endpoint.ts).
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { listenError, parseEndpoint, type BoundAddress } from '../core/endpoint.ts';

export async function listenAddress(app: FastifyInstance, endpoint: string): Promise<BoundAddress> {
  const { host, port } = parseEndpoint(endpoint);
  try {
    // fastify binds localhost when given no host; ":8080" means every interface, as for the other listeners.
    await app.listen({ host: host ?? '0.0.0.0', port });
  } catch (cause) {
    throw listenError('The API', endpoint, 'api.endpoint', cause as Error);
  }
  const address = app.server.address() as AddressInfo;
  return { host: address.address, port: address.port };
}
