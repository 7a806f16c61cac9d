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

/** A ratio strictly between 0 and 1 (a share, a fraction of a level). */
export const ratio = (what: string) =>
  z
    .number({ error: `expected a ratio between 0 and 1 (${what})` })
    .gt(0, { error: `expected a ratio between 0 and 1 (${what})` })
    .lt(1, { error: `expected a ratio between 0 and 1 (${what})` });

/** A multiple above 1 (how many times a baseline). */
export const factor = (what: string) =>
  z.number({ error: `expected a number above 1 (${what})` }).gt(1, { error: `expected a number above 1 (${what})` });

export const positiveNumber = (what: string) =>
  z.number({ error: `expected a positive number (${what})` }).positive({ error: `expected a positive number (${what})` });
