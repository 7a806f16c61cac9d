// Reads a telemetry file for offline commands: OTLP/JSON (one request, an array of requests, or
// one request per line), OTLP protobuf (ExportTraceServiceRequest), optionally gzipped.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { OtlpLogRecord, OtlpSpan } from '../core/model/otlp.ts';
import { decodeLogsJson, decodeTracesJson } from '../receivers/otlp-wire/decode-json.ts';
import { decodeTracesProtobuf } from '../receivers/otlp-wire/decode-traces-protobuf.ts';

export class InputFileError extends Error {
  readonly code = 'FL_BAD_INPUT_FILE';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'InputFileError';
  }
}

export interface Telemetry {
  spans: OtlpSpan[];
  logs: OtlpLogRecord[];
}

export function readTelemetryFile(file: string): Telemetry {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputFileError(file, e.code === 'ENOENT' ? 'file not found' : e.code === 'EISDIR' ? 'is a directory, not a file' : e.message);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new InputFileError(file, `looks gzipped but cannot be decompressed (${(err as Error).message})`);
    }
  }
  const first = firstNonSpace(bytes);
  if (first === -1) return { spans: [], logs: [] };
  if (first === 0x7b || first === 0x5b) return readJson(file, bytes.toString('utf8'));
  try {
    return { spans: decodeTracesProtobuf(bytes).spans, logs: [] };
  } catch (err) {
    throw new InputFileError(file, `neither JSON nor an OTLP protobuf trace request: ${(err as Error).message}`);
  }
}

function readJson(file: string, text: string): Telemetry {
  const out: Telemetry = { spans: [], logs: [] };
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    // Not one JSON document: one request per line.
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new InputFileError(file, `line ${i + 1} is not valid JSON (${(err as Error).message})`);
      }
      addRequest(file, value, line, out, `line ${i + 1}`);
    });
    return out;
  }
  if (Array.isArray(whole)) whole.forEach((req, i) => addRequest(file, req, JSON.stringify(req), out, `element ${i}`));
  else addRequest(file, whole, text, out, 'the request');
  return out;
}

function addRequest(file: string, value: unknown, text: string, out: Telemetry, where: string): void {
  if (value === null || typeof value !== 'object') throw new InputFileError(file, `${where} is not an OTLP request object`);
  try {
    if ('resourceSpans' in value) out.spans.push(...decodeTracesJson(text).spans);
    else if ('resourceLogs' in value) out.logs.push(...decodeLogsJson(text).logs);
    else throw new Error('expected an OTLP/JSON request with "resourceSpans" or "resourceLogs"');
  } catch (err) {
    throw new InputFileError(file, `${where}: ${(err as Error).message}`);
  }
}

function firstNonSpace(bytes: Buffer): number {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return -1;
}
