// What each model charges per token, learned from the costs the gateway reports (the agent knows
// no price list): per input and output token when the span splits the cost, else per token
// overall. Used to price a fallback's tokens at the primary model's rate: the extra a fallback cost.

const ALPHA = 0.2;
const MAX_MODELS = 1_024;

interface ModelPrice {
  input: number | null;
  output: number | null;
  blended: number | null;
}

export interface Prices {
  observe(
    model: string,
    inputTokens: number | null,
    outputTokens: number | null,
    costUsd: number,
    inputUsd: number | null,
    outputUsd: number | null,
  ): void;
  /** What the model would have charged for these tokens; null until it has been seen with a cost. */
  priceOf(model: string, inputTokens: number, outputTokens: number): number | null;
}

const ewma = (prev: number | null, x: number) => (prev === null ? x : prev + ALPHA * (x - prev));

export function createPrices(): Prices {
  const models = new Map<string, ModelPrice>();
  return {
    observe(model, inputTokens, outputTokens, costUsd, inputUsd, outputUsd) {
      if (!(costUsd > 0)) return;
      let p = models.get(model);
      if (!p) {
        if (models.size >= MAX_MODELS) return;
        models.set(model, (p = { input: null, output: null, blended: null }));
      }
      if (inputUsd !== null && inputTokens && inputTokens > 0) p.input = ewma(p.input, inputUsd / inputTokens);
      if (outputUsd !== null && outputTokens && outputTokens > 0) p.output = ewma(p.output, outputUsd / outputTokens);
      const tokens = (inputTokens ?? 0) + (outputTokens ?? 0);
      if (tokens > 0) p.blended = ewma(p.blended, costUsd / tokens);
    },
    priceOf(model, inputTokens, outputTokens) {
      const p = models.get(model);
      if (!p) return null;
      if (p.input !== null && p.output !== null) return p.input * inputTokens + p.output * outputTokens;
      return p.blended === null ? null : p.blended * (inputTokens + outputTokens);
    },
  };
}
