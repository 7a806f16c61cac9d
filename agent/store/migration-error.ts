// Why migrating failed. The message names the file and says what to do; a failing SQL statement
// keeps PostgreSQL's own error as `cause`.

export type MigrationErrorCode =
  | 'FL_MIGRATION_DIR_UNREADABLE'
  | 'FL_MIGRATION_BAD_FILE_NAME'
  | 'FL_MIGRATION_DUPLICATE_VERSION'
  | 'FL_MIGRATION_EDITED'
  | 'FL_MIGRATION_LOCK_TIMEOUT'
  | 'FL_MIGRATION_FAILED';

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    /** The migration file concerned, relative to the migrations folder's parent (e.g. migrations/0002_x.sql). */
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}
