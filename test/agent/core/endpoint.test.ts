import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAddress, listenError, parseEndpoint } from '../../../agent/core/endpoint.ts';

describe('parseEndpoint', () => {
  it('splits an IPv4 host from its port', () => {
    expect(parseEndpoint('0.0.0.0:4318')).toEqual({ host: '0.0.0.0', port: 4318 });
  });

  it('reads an empty host as every interface', () => {
    expect(parseEndpoint(':8080')).toEqual({ host: undefined, port: 8080 });
  });

  it('drops the brackets of an IPv6 host', () => {
    expect(parseEndpoint('[::1]:0')).toEqual({ host: '::1', port: 0 });
  });

  it('keeps a host name as written', () => {
    expect(parseEndpoint('localhost:9464')).toEqual({ host: 'localhost', port: 9464 });
  });
});

describe('formatAddress', () => {
  it('writes IPv4 as host:port and IPv6 in brackets', () => {
    expect(formatAddress({ host: '127.0.0.1', port: 4318 })).toBe('127.0.0.1:4318');
    expect(formatAddress({ host: '::', port: 4317 })).toBe('[::]:4317');
  });

  it('reads back through parseEndpoint', () => {
    const endpoint = formatAddress({ host: '::1', port: 8080 });
    expect(parseEndpoint(endpoint)).toEqual({ host: '::1', port: 8080 });
  });
});

describe('listenError', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  const bind = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen({ host: '127.0.0.1', port }, () => resolve(s));
    });

  it('names the listener, the endpoint and the setting to change when the port is taken', async () => {
    const taken = await bind(0);
    servers.push(taken);
    const port = (taken.address() as { port: number }).port;
    const cause = await bind(port).then(
      (s) => {
        servers.push(s);
        throw new Error('the second bind should have failed');
      },
      (err: Error) => err,
    );
    const error = listenError('The API', `127.0.0.1:${port}`, 'api.endpoint', cause);
    expect(error.message).toBe(
      `The API cannot listen on 127.0.0.1:${port}: the address is already in use; stop the other process or change api.endpoint.`,
    );
    expect(error.cause).toBe(cause);
  });

  it('recognizes a taken port from the message alone, as gRPC reports it', () => {
    const error = listenError(
      'The OTLP/gRPC receiver',
      '0.0.0.0:4317',
      'receivers.otlp.protocols.grpc.endpoint',
      new Error('No address added out of total 1 resolved: bind EADDRINUSE: address already in use'),
    );
    expect(error.message).toContain(
      'the address is already in use; stop the other process or change receivers.otlp.protocols.grpc.endpoint',
    );
  });

  it('says when no local interface has the address', () => {
    const cause = Object.assign(new Error('listen EADDRNOTAVAIL: address not available 10.255.255.1:4318'), { code: 'EADDRNOTAVAIL' });
    expect(listenError('The metrics endpoint', '10.255.255.1:4318', 'service.telemetry.metrics.endpoint', cause).message).toBe(
      'The metrics endpoint cannot listen on 10.255.255.1:4318: no local interface has that address; change service.telemetry.metrics.endpoint.',
    );
  });

  it('explains a privileged port', () => {
    const cause = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES' });
    expect(listenError('The API', '0.0.0.0:80', 'api.endpoint', cause).message).toBe(
      'The API cannot listen on 0.0.0.0:80: permission denied (ports below 1024 need privileges).',
    );
  });

  it('passes any other cause through in its own words', () => {
    expect(listenError('The API', 'x:1', 'api.endpoint', new Error('something odd')).message).toBe(
      'The API cannot listen on x:1: something odd.',
    );
  });
});
