// "host:port" endpoints as agent.yaml writes them (config/units.ts endpoint() has validated them),
// the address a listener really bound, and the error when it cannot bind. Every listener the agent
// opens (OTLP HTTP and gRPC, the API, /metrics) reads its endpoint through here, so ":4318", "[::1]:0"
// and a taken port mean the same thing everywhere.

export interface BoundAddress {
  /** The address actually bound, e.g. '127.0.0.1' or '::'. */
  host: string;
  /** The port actually bound: the OS's choice when the endpoint said port 0. */
  port: number;
}

/** Splits a validated endpoint; an empty host (":4318") means every interface (host undefined). */
export function parseEndpoint(endpoint: string): { host: string | undefined; port: number } {
  const colon = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(endpoint.slice(colon + 1)) };
}

/** "host:port" for a bound address, with IPv6 hosts in brackets. */
export function formatAddress({ host, port }: BoundAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The error for a listener that could not bind: `listener` names it as a sentence starts ("The API"),
 * `setting` is the configuration key to change.
 */
export function listenError(listener: string, endpoint: string, setting: string, cause: Error): Error {
  const code = (cause as NodeJS.ErrnoException).code;
  // @grpc/grpc-js reports a taken port in its message only, without an errno code.
  const why =
    code === 'EADDRINUSE' || /address already in use|EADDRINUSE/i.test(cause.message)
      ? `the address is already in use; stop the other process or change ${setting}`
      : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
        ? `no local interface has that address; change ${setting}`
        : code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges)'
          : cause.message;
  return new Error(`${listener} cannot listen on ${endpoint}: ${why}.`, { cause });
}
