// Raw TCP clients that misbehave the way slowloris and header-flood attacks do, for testing that an
// HTTP listener cuts them off. Each resolves with what the server sent before it closed the
// connection, or rejects when the server still holds it open after `giveUpMs`.
import { connect, type Socket } from 'node:net';

export interface Cut {
  /** Everything the server wrote before closing (e.g. "HTTP/1.1 408 Request Timeout…"), maybe ''. */
  answer: string;
}

/** Opens a connection, writes `start`, then `drip()` every `everyMs` until the server closes it. */
export function slowClient(
  port: number,
  start: string,
  drip: (i: number) => string,
  options: { everyMs: number; giveUpMs: number },
): Promise<Cut> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: '127.0.0.1' });
    let answer = '';
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server still held the connection open after ${options.giveUpMs} ms`));
    }, options.giveUpMs);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (answer += d));
    // A write racing the server's close fails with EPIPE/ECONNRESET: that is the cut being tested.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(timer);
      resolve({ answer });
    });
    socket.on('connect', () => {
      socket.write(start);
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(drip(i++));
      }, options.everyMs);
    });
  });
}

/** Request line and headers of a POST whose body has not begun, announcing `contentLength` bytes. */
export const postHead = (path: string, contentLength: number, contentType = 'application/json'): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nContent-Length: ${contentLength}\r\n\r\n`;

/** Headers that never end: `X-Flood-<i>: …` lines. */
export const floodHeader = (i: number): string => `X-Flood-${i}: ${'f'.repeat(64)}\r\n`;
