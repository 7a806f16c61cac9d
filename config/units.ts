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

/** `host:port`, `[ipv6]:port` or `:port` (every interface); port 0 lets the OS pick a free port. */
export const endpoint = () =>
  z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):\d{1,5}$/, 'expected "host:port", e.g. "0.0.0.0:4318"')
    // Only judged when a port is there at all; the regex has already reported its absence.
    .refine((s) => !/:\d+$/.test(s) || Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be between 0 and 65535');
