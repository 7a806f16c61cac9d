// Schema pieces for values with units, so every component reports them the same way.
import { z } from 'zod';

export const milliseconds = () =>
  z
    .number({ error: 'expected a positive integer (milliseconds)' })
    .int({ error: 'expected a positive integer (milliseconds)' })
    .positive({ error: 'expected a positive integer (milliseconds)' });

export const byteCount = () =>
  z
    .number({ error: 'expected a positive integer (bytes)' })
    .int({ error: 'expected a positive integer (bytes)' })
    .positive({ error: 'expected a positive integer (bytes)' });

export const count = (what: string) =>
  z
    .number({ error: `expected a positive integer (${what})` })
    .int({ error: `expected a positive integer (${what})` })
    .positive({ error: `expected a positive integer (${what})` });

/** host:port; port 0 picks a free port. */
export const endpoint = () =>
  z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, { error: 'expected host:port (e.g. 0.0.0.0:4318)' })
    .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, { error: 'port must be at most 65535' });

export function splitEndpoint(ep: string): { host: string; port: number } {
  const i = ep.lastIndexOf(':');
  const host = ep.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host || '0.0.0.0', port: Number(ep.slice(i + 1)) };
}
