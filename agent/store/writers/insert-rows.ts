// Multi-row INSERT … VALUES ($1,…),(…) in chunks of maxRows; always parameterized.
import type pg from 'pg';

export async function insertRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
  conflict: string,
  maxRows: number,
): Promise<void> {
  const width = columns.length;
  for (let start = 0; start < rows.length; start += maxRows) {
    const chunk = rows.slice(start, start + maxRows);
    const params: unknown[] = new Array(chunk.length * width);
    const tuples: string[] = new Array(chunk.length);
    for (let r = 0; r < chunk.length; r++) {
      const slots: string[] = new Array(width);
      for (let c = 0; c < width; c++) {
        params[r * width + c] = chunk[r][c];
        slots[c] = `$${r * width + c + 1}`;
      }
      tuples[r] = `(${slots.join(',')})`;
    }
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(',')} ${conflict}`, params);
  }
}
