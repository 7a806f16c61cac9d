// Why the bundled PostgreSQL could not start. `main` prints the message and exits 1; the message
// always says what failed, where, and what to do about it.

export type EmbeddedPostgresErrorCode =
  | 'FL_PG_UNSUPPORTED_PLATFORM'
  | 'FL_PG_NO_OS_USER'
  | 'FL_PG_DATA_DIR_OWNERSHIP'
  | 'FL_PG_DATA_DIR_INACCESSIBLE'
  | 'FL_PG_DATA_DIR_INVALID'
  | 'FL_PG_DATA_DIR_IN_USE'
  | 'FL_PG_PORT_IN_USE'
  | 'FL_PG_INIT_FAILED'
  | 'FL_PG_START_FAILED';

export interface EmbeddedPostgresErrorDetails {
  dataDir: string;
  port?: number;
  cause?: unknown;
}

export class EmbeddedPostgresError extends Error {
  readonly dataDir: string;
  readonly port: number | undefined;

  constructor(
    readonly code: EmbeddedPostgresErrorCode,
    message: string,
    details: EmbeddedPostgresErrorDetails,
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EmbeddedPostgresError';
    this.dataDir = details.dataDir;
    this.port = details.port;
  }
}
