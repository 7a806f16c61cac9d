// The SQL behind GET /api/v1/failures: filters as bound parameters, keyset pagination on
// (occurred_at DESC, failure_id DESC), the order of failure_events_time_idx.
import { FAILURE_EVENT_COLUMNS } from '../../store/failure-event-row.ts';
import type { KeysetPosition } from '../cursor.ts';

export interface FailureFilter {
  from?: string;
  to?: string;
  category?: string;
  subtype?: string;
  severity?: string;
  provider?: string;
  model?: string;
  team?: string;
  after?: KeysetPosition;
}

const EQUALITY = ['category', 'subtype', 'severity', 'provider', 'model', 'team'] as const;

/** At most `take` rows; `cursor_micros` is the row's exact occurred_at in microseconds, for the next cursor. */
export function failureListSql(filter: FailureFilter, take: number): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where: string[] = [];
  if (filter.from !== undefined) where.push(`occurred_at >= ${param(filter.from)}::timestamptz`);
  if (filter.to !== undefined) where.push(`occurred_at < ${param(filter.to)}::timestamptz`);
  for (const column of EQUALITY) {
    const value = filter[column];
    if (value !== undefined) where.push(`${column} = ${param(value)}`);
  }
  if (filter.after) {
    // Row comparison matches the index order, so PostgreSQL seeks straight to the next page.
    where.push(
      `(occurred_at, failure_id) < (timestamptz 'epoch' + ${param(filter.after.atMicros)}::bigint * interval '1 microsecond', ${param(filter.after.id)})`,
    );
  }
  const text = `SELECT ${FAILURE_EVENT_COLUMNS.join(', ')}, (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS cursor_micros
  FROM failure_events
  ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
  ORDER BY occurred_at DESC, failure_id DESC
  LIMIT ${param(take)}`;
  return { text, values };
}

export const FAILURE_BY_ID_SQL = `SELECT ${FAILURE_EVENT_COLUMNS.join(', ')} FROM failure_events WHERE failure_id = $1`;
