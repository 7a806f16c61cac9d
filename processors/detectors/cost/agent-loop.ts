// agent_loop: one trace making more than max_calls_per_trace LLM requests, sending the same
// prompt (system prompt + messages, hashed) max_prompt_repeats times, each after the previous
// one ended, or getting the same tool call (name + arguments) back max_tool_call_repeats times —
// the usual loop, since each tool result grows the prompt. Retry attempts of one request are not
// new requests. Counts live across batches (a long agent run arrives in pieces),
// one trace is reported once, and a trace is forgotten trace_ttl_ms after its last call or when
// max_traces are tracked. The signal carries the trace's running tokens and cost.
import { createHash } from 'node:crypto';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { CostConfig } from './config.ts';
import { costSignal } from './cost-signal.ts';

/** Distinct prompts (and tool calls) remembered per trace; an agent that never repeats needs no more. */
const MAX_PROMPTS_PER_TRACE = 512;
/** Characters of a tool call's arguments compared: enough to tell calls apart, bounded memory. */
const TOOL_ARGS_CHARS = 512;

interface SequentialCount {
  count: number;
  /** When the latest call with the key ended. */
  lastEndMs: number;
}

interface TraceState {
  requests: number;
  /** Per prompt hash: sequential sends. */
  prompts: Map<string, SequentialCount>;
  /** Per tool call (name + arguments): sequential answers that asked for it. */
  toolCalls: Map<string, SequentialCount>;
  lastMs: number;
  input: number;
  output: number;
  reasoning: number;
  costUsd: number;
  reported: boolean;
}

export interface AgentLoopCheck {
  observe(call: LlmCall, tokens: BilledTokens | null): Signal | null;
}

export function createAgentLoopCheck(config: CostConfig): AgentLoopCheck {
  const c = config.agent_loop;
  const traces = createRecentKeys<TraceState>(c.max_traces);
  let latest = -Infinity;
  return {
    observe(call, tokens) {
      if (call.attempt && call.attempt.number > 1) return null;
      const now = call.timing.endMs;
      latest = Math.max(latest, now);
      forgetIdle(latest - c.trace_ttl_ms);
      const t = traces.touch(call.source.traceId, () => ({
        requests: 0,
        prompts: new Map(),
        toolCalls: new Map(),
        lastMs: now,
        input: 0,
        output: 0,
        reasoning: 0,
        costUsd: 0,
        reported: false,
      }));
      t.requests++;
      t.lastMs = Math.max(t.lastMs, now);
      t.input += tokens?.input ?? 0;
      t.output += tokens?.output ?? 0;
      t.reasoning += tokens?.reasoning ?? 0;
      if (call.cost.totalUsd !== null && call.cost.totalUsd > 0) t.costUsd += call.cost.totalUsd;
      const prompt = promptHash(call);
      const repeats = prompt === null ? 0 : countSequential(t.prompts, prompt, call);
      const toolRepeat = countToolCalls(t, call);
      if (t.reported) return null;
      const tooMany = t.requests > c.max_calls_per_trace;
      const repeated = repeats >= c.max_prompt_repeats;
      const toolLoop = toolRepeat !== null && toolRepeat.count >= c.max_tool_call_repeats;
      if (!tooMany && !repeated && !toolLoop) return null;
      t.reported = true;
      const traceTokens: BilledTokens = {
        input: t.input,
        output: t.output,
        reasoning: t.reasoning,
        total: t.input + t.output,
        reasoningRule: tokens?.reasoningRule ?? 'none',
      };
      const trace = { key_kind: 'trace', key: call.source.traceId, window: 'trace' };
      const [method, evidence] = repeated
        ? ['prompt_repeat', { rule: 'same_prompt', ...trace, baseline: c.max_prompt_repeats, observed: repeats, llm_requests: t.requests }]
        : toolLoop
          ? [
              'tool_call_repeat',
              {
                rule: 'same_tool_call',
                ...trace,
                tool: toolRepeat.tool,
                baseline: c.max_tool_call_repeats,
                observed: toolRepeat.count,
                llm_requests: t.requests,
              },
            ]
          : ['trace_call_count', { rule: 'calls_per_trace', ...trace, baseline: c.max_calls_per_trace, observed: t.requests }];
      return costSignal('agent_loop', method, traceTokens, evidence, { cost_usd: t.costUsd });
    },
  };

  function forgetIdle(cutoff: number): void {
    // Least recently seen first: stop at the first trace still active.
    for (const [id, t] of traces.entries()) {
      if (t.lastMs >= cutoff) break;
      traces.delete(id);
    }
  }
}

/** Counts the tool calls this answer asks for; returns the most repeated one so far. */
function countToolCalls(t: TraceState, call: LlmCall): { tool: string; count: number } | null {
  let most: { tool: string; count: number } | null = null;
  for (const m of call.content?.outputMessages ?? []) {
    for (const p of m.parts) {
      if (p.type !== 'tool_call' || p.name === null) continue;
      // Whitespace differs between SDKs' renderings of the same arguments; it is not a new call.
      const key = `${p.name}\u0000${(p.content ?? '').slice(0, TOOL_ARGS_CHARS).replace(/\s+/g, '')}`;
      const count = countSequential(t.toolCalls, key, call);
      if (count > 0 && (most === null || count > most.count)) most = { tool: p.name, count };
    }
  }
  return most;
}

/**
 * Counts `key` (a prompt, a tool call) once more when this call started after the last call with
 * it ended: a loop sends it again after reading the answer, while calls in flight together
 * (sampling n answers, fan-out) are not repeats. Returns the new count, or 0 when this call did
 * not add one (in parallel, or the trace already holds MAX_PROMPTS_PER_TRACE distinct keys).
 */
function countSequential(seen: Map<string, SequentialCount>, key: string, call: LlmCall): number {
  const prev = seen.get(key);
  if (prev === undefined && seen.size >= MAX_PROMPTS_PER_TRACE) return 0;
  const sequential = prev === undefined || call.timing.startMs >= prev.lastEndMs;
  const count = (prev?.count ?? 0) + (sequential ? 1 : 0);
  seen.set(key, { count, lastEndMs: Math.max(prev?.lastEndMs ?? -Infinity, call.timing.endMs) });
  return sequential ? count : 0;
}

function promptHash(call: LlmCall): string | null {
  const content = call.content;
  if (content === null || content.inputMessages.length === 0) return null;
  // One update of one string: each update() call costs about as much as hashing a kilobyte.
  let text = content.systemPrompt ?? '';
  for (const m of content.inputMessages) {
    text += `\u0000${m.role}`;
    for (const p of m.parts) text += `\u0001${p.type}\u0002${p.name ?? ''}\u0002${p.content ?? ''}`;
  }
  return createHash('sha256').update(text).digest('hex');
}
