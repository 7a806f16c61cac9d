// OpenAI family (OpenAI, Azure OpenAI, OpenAI-compatible): x-ratelimit-* headroom on successful
// calls. Their failures (a 429 that is throttling or an empty account, …) are read by the shared
// provider rules (generic.ts), which put the message before the status for every provider.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import type { DetectorSettings } from './config.ts';
import { headroomSignal } from './headroom.ts';

export function detectOpenAiHeadroom(call: LlmCall, settings: DetectorSettings): Signal[] {
  const rl = call.rateLimit;
  if (call.outcome !== 'ok' || rl === null) return [];
  return headroomSignal(
    call,
    [
      { name: 'requests', remaining: rl.remainingRequests, limit: rl.limitRequests },
      { name: 'tokens', remaining: rl.remainingTokens, limit: rl.limitTokens },
    ],
    settings.headroomRatio,
    'headers:x-ratelimit',
  );
}
