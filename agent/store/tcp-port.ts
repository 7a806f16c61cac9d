// Port choice for the bundled PostgreSQL: pick a free one, or prove a configured one is free
// before postgres tries it (so the error names the port instead of postgres's bind failure).
import net from 'node:net';

export const LISTEN_HOST = '127.0.0.1';

/** Resolves true when nothing listens on host:port. */
export function isPortFree(port: number, host = LISTEN_HOST): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel considers free right now (another process may still take it before postgres does). */
export function pickFreePort(host = LISTEN_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
