// The retrieval step of a RAG request: the query's embedding and the documents the index returns,
// with their scores and last-update times. Healthy: relevant documents score ~0.84, others ~0.52,
// updated within three days. retrieval_drift lowers the relevant scores and moves the query
// embeddings off their centroid; stale_index freezes the index so documents age.
import type { RagTopic } from './content-bank.ts';
import { RAG_TOPICS } from './content-bank.ts';
import type { FaultWindow } from './fault-window.ts';
import type { Retrieval } from './plan.ts';
import type { Random } from './random.ts';
import type { Scenario } from './scenario-schema.ts';

const EMBEDDING_DIMS = 16;
const HEALTHY_SCORE = 0.84;
const DAY_MS = 86_400_000;

export type Retriever = (atMs: number, topic: RagTopic, touched: (faultIndex: number) => void) => Retrieval;

export function createRetriever(random: Random, scenario: Scenario, window: FaultWindow): Retriever {
  const centroid = unitVector(random);
  const drift = unitVector(random);
  return (at, topic, touched) => {
    let scoreShift = 0;
    let staleDays: number | null = null;
    let embeddingShift = 0;
    for (const [index, f] of scenario.faults.entries()) {
      if (!window.active(f, at)) continue;
      if (f.kind === 'retrieval_drift') {
        const p =
          f.ramp_secs === undefined
            ? window.progress(f, at)
            : f.ramp_secs === 0
              ? 1
              : Math.min(1, (window.elapsedSecs(at) - f.at_secs) / f.ramp_secs);
        scoreShift = (HEALTHY_SCORE - f.score_to) * p;
        embeddingShift = f.embedding_shift * p;
        touched(index);
      } else if (f.kind === 'stale_index') {
        staleDays = f.age_days;
        touched(index);
      }
    }
    const others = RAG_TOPICS.filter((x) => x !== topic);
    const texts = [
      ...topic.documents.map((d) => ({ d, relevant: true })),
      ...random.pick(others).documents.map((d) => ({ d, relevant: false })),
    ];
    const documents = texts
      .map(({ d, relevant }, i) => ({
        id: `kb-${hashText(d)}-${i}`,
        score: round(Math.min(0.99, Math.max(0.05, random.normal() * 0.04 + (relevant ? HEALTHY_SCORE - scoreShift : 0.52))), 1000),
        content: d,
        updatedAtMs: Math.round(
          at - (staleDays !== null ? staleDays * DAY_MS + random.uniform(0, DAY_MS) : random.uniform(3_600_000, 3 * DAY_MS)),
        ),
      }))
      .sort((a, b) => b.score - a.score);
    const embedding = centroid.map((c, i) => round(c * (1 - embeddingShift) + drift[i] * embeddingShift + random.normal() * 0.03, 10_000));
    return { collection: 'kb-articles', query: topic.question, documents, embedding, startMs: at, durationMs: random.lognormal(60, 0.3) };
  };
}

function unitVector(random: Random): number[] {
  const v = Array.from({ length: EMBEDDING_DIMS }, () => random.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function round(x: number, scale: number): number {
  return Math.round(x * scale) / scale;
}

/** A stable document id from its text (FNV-1a). */
function hashText(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}
