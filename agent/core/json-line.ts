// JSON for one item per line: bigint as a decimal string, bytes as base64 (JSON has neither).
export function toJsonLine(item: unknown): string {
  return JSON.stringify(item, replacer) + '\n';
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value;
}
