// Evaluation scores an evaluator already wrote on the span (normalize gathers them in
// `evaluation`): a hallucination score above its threshold is a hallucination, a faithfulness or
// groundedness score below its threshold is low_faithfulness. Scores outside [0, 1] are another
// scale and are not judged.

export interface ScoreFinding {
  readonly subtype: 'hallucination' | 'low_faithfulness';
  readonly rule: string;
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

export interface ScoreThresholds {
  readonly hallucination: number;
  readonly faithfulness: number;
}

const HALLUCINATION = /hallucinat/i;
const FAITHFULNESS = /faithful|grounded/i;

export function findScoreFindings(scores: Readonly<Record<string, number>>, t: ScoreThresholds): ScoreFinding[] {
  let worstHallucination: [string, number] | null = null;
  let worstFaithfulness: [string, number] | null = null;
  for (const key in scores) {
    const v = scores[key];
    if (!(v >= 0 && v <= 1)) continue;
    if (HALLUCINATION.test(key)) {
      if (v > t.hallucination && (worstHallucination === null || v > worstHallucination[1])) worstHallucination = [key, v];
    } else if (FAITHFULNESS.test(key)) {
      if (v < t.faithfulness && (worstFaithfulness === null || v < worstFaithfulness[1])) worstFaithfulness = [key, v];
    }
  }
  const out: ScoreFinding[] = [];
  if (worstHallucination !== null) {
    const [key, v] = worstHallucination;
    out.push({
      subtype: 'hallucination',
      rule: 'score:hallucination',
      confidence: round(v),
      evidence: { score_name: safeName(key), score: v, threshold: t.hallucination },
    });
  }
  if (worstFaithfulness !== null) {
    const [key, v] = worstFaithfulness;
    out.push({
      subtype: 'low_faithfulness',
      rule: 'score:faithfulness',
      confidence: round(1 - v),
      evidence: { score_name: safeName(key), score: v, threshold: t.faithfulness },
    });
  }
  return out;
}

const round = (n: number): number => Math.round(n * 100) / 100;
// Score names are attribute keys or evaluator names: keep them short and plain.
const safeName = (key: string): string => key.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64);
