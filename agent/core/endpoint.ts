// "host:port" endpoints as written in agent.yaml, and the error when one cannot be bound.

export interface BoundAddress {
  /** The address actually bound, e.g. '127.0.0.1' or '::'. */
  host: string;
  /** The port actually bound: the OS's choice when the endpoint said port 0. */
  port: number;
}

/** Splits a validated endpoint; an empty host (":4318") means every interface. */
export function parseEndpoint(endpoint: string): { host: string | undefined; port: number } {
  const colon = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(endpoint.slice(colon + 1)) };
}

/** "host:port" for a bound address, with IPv6 hosts in brackets. */
export function formatAddress({ host, port }: BoundAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function listenError(protocol: string, endpoint: string, cause: Error): Error {
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE' || /address already in use|EADDRINUSE/i.test(cause.message)
      ? 'the address is already in use; stop the other process or change the endpoint'
      : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
        ? 'no local interface has that address'
        : code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges)'
          : cause.message;
  return new Error(`The ${protocol} receiver cannot listen on ${endpoint}: ${why}.`, { cause });
}
