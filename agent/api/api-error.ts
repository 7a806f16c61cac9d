// Error answers of the API: one body shape, `{ error: { code, message, parameter? } }`, for every
// 4xx and 5xx, so clients parse failures one way. Handlers throw ApiError; the server's error
// handler turns it (and anything unexpected) into that body.
import { z } from 'zod';
import type { NamedSchema } from './openapi.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Stable machine-readable reason, e.g. `invalid_parameter`, `not_found`. */
    readonly reason: string,
    message: string,
    readonly options: { parameter?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('Stable reason: invalid_parameter, not_found, unauthorized, database_unavailable, internal_error, ...'),
    message: z.string().describe('What went wrong and what to do, in one sentence.'),
    parameter: z.string().optional().describe('For invalid_parameter: the query or path parameter at fault.'),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ERROR_BODY: NamedSchema = { name: 'Error', schema: ErrorBody };

export function errorBody(code: string, message: string, parameter?: string): ErrorBody {
  return { error: parameter === undefined ? { code, message } : { code, message, parameter } };
}
