// OTel GenAI retrieval documents: `gen_ai.retrieval.documents`, a list of objects with at least
// `id` and `score` (structured, or a JSON string on spans). A document's timestamp is read from
// the same keys as OpenInference metadata, on the object itself or under its `metadata`.
import type { Attributes } from '../../agent/core/model/otlp.ts';
import { isObject, readIdentifier, readNumber, readStructured, toText, truncate } from './attribute-readers.ts';
import { documentTimestamp, type Document } from './openinference.ts';

const MAX_DOCUMENTS = 1_000;

export function readGenAiDocuments(attrs: Attributes, captureContent: boolean, maxChars: number): Document[] {
  const raw = attrs['gen_ai.retrieval.documents'];
  if (raw === undefined) return [];
  const list = readStructured(raw);
  if (!Array.isArray(list)) return [];
  const out: Document[] = [];
  for (const d of list.slice(0, MAX_DOCUMENTS)) {
    if (!isObject(d)) continue;
    out.push({
      id: readIdentifier(d.id) ?? (typeof d.id === 'number' ? String(d.id) : null),
      score: readNumber(d.score),
      content: captureContent ? truncate(toText(d.content ?? null), maxChars) : null,
      timestampMs: documentTimestamp(d) ?? (d.metadata !== undefined ? documentTimestamp(d.metadata) : null),
    });
  }
  return out;
}
