// OpenInference-only sources: `llm.invocation_parameters` (JSON), flattened retrieval
// documents `retrieval.documents.N.document.*` and embeddings `embedding.embeddings.N.*`.
import type { AttributeValue, Attributes } from '../../agent/core/model/otlp.ts';
import { isObject, readIdentifier, readNumber, readObject, readString, readStructured, truncate } from './attribute-readers.ts';

export function readInvocationParameters(attrs: Attributes): Record<string, AttributeValue> | null {
  return attrs['llm.invocation_parameters'] === undefined ? null : readObject(attrs['llm.invocation_parameters']);
}

export interface Document {
  id: string | null;
  score: number | null;
  content: string | null;
  timestampMs: number | null;
}

const MAX_DOCUMENTS = 1_000;
const TIMESTAMP_KEYS = ['updated_at', 'last_modified', 'indexed_at', 'created_at', 'timestamp'] as const;

/** `retrieval.documents.N.document.{id,score,content,metadata}`; content null when capture is off. */
export function readRetrievedDocuments(attrs: Attributes, captureContent: boolean, maxChars: number): Document[] {
  const out: Document[] = [];
  for (let i = 0; i < MAX_DOCUMENTS; i++) {
    const p = `retrieval.documents.${i}.document.`;
    const id = readIdentifier(attrs[`${p}id`]);
    const score = readNumber(attrs[`${p}score`]);
    const content = attrs[`${p}content`];
    const metadata = attrs[`${p}metadata`];
    if (id === null && score === null && content === undefined && metadata === undefined) break;
    out.push({
      id,
      score,
      content: captureContent ? truncate(readString(content), maxChars) : null,
      timestampMs: metadata === undefined ? null : documentTimestamp(metadata),
    });
  }
  return out;
}

/** When the document was indexed or updated, from its metadata (epoch s/ms or a date string). */
export function documentTimestamp(metadata: AttributeValue): number | null {
  const m = readStructured(metadata);
  if (!isObject(m)) return null;
  for (const key of TIMESTAMP_KEYS) {
    const v = m[key];
    const n = readNumber(v);
    // Epoch seconds are < 1e11 until the year 5138; anything larger is milliseconds.
    if (n !== null) return n < 1e11 ? n * 1000 : n;
    const s = readString(v);
    if (s !== null) {
      const t = Date.parse(s);
      if (!Number.isNaN(t)) return t;
    }
  }
  return null;
}

/** `embedding.embeddings.N.embedding.vector`, as an array or a JSON string. */
export function readEmbeddingVectors(attrs: Attributes): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < MAX_DOCUMENTS; i++) {
    const raw = attrs[`embedding.embeddings.${i}.embedding.vector`];
    if (raw === undefined) break;
    const v = readStructured(raw);
    if (!Array.isArray(v)) continue;
    const vector: number[] = [];
    for (const x of v) {
      const n = readNumber(x);
      if (n !== null) vector.push(n);
    }
    out.push(vector);
  }
  return out;
}
