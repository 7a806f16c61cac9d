// agent_loop: one trace making more than max_calls_per_trace LLM requests, sending the same
// prompt (system prompt + messages, hashed) max_prompt_repeats times, each after the previous
// one ended, or getting the same tool call (name + arguments) back max_tool_call_repeats times —
// the usual loop, since each tool result grows the prompt. Retry attempts of one request are not
// new requests. Counts live across batches (a long agent run arrives in pieces),
// one trace is reported once, and a trace is forgotten trace_ttl_ms after its last call or when
// max_traces are tracked. The signal carries the trace's running tokens and cost.
import { createHash } from 'node:crypto';
import type { LlmCall } from '../../../agent/model/llm-call.ts';
import type { Signal } from '../../../agent/model/signal.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { CostConfig } from './config.ts';
import { costSignal } from './cost-signal.ts';

/** Distinct prompts (and tool calls) remembered per trace; an agent that never repeats needs no more. */
const MAX_PROMPTS_PER_TRACE = 512;
/** Characters of a tool call's arguments compared: enough to tell calls apart, bounded memory. */
const TOOL_ARGS_CHARS = 512;

interface TraceState {
  requests: number;
  /** Per prompt hash: sequential sends, and when the latest ended. */
  prompts: Map<string, { count: number; lastEndMs: number }>;
  /** Per tool call (name + arguments): sequential answers that asked for it, and when the latest ended. */
  toolCalls: Map<string, { count: number; lastEndMs: number }>;
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
      const t = traces.touch(call.source.traceId, () => ({ requests: 0, prompts: new Map(), toolCalls: new Map(), lastMs: now, input: 0, output: 0, reasoning: 0, costUsd: 0, reported: false }));
      t.requests++;
      t.lastMs = Math.max(t.lastMs, now);
      t.input += tokens?.input ?? 0;
      t.output += tokens?.output ?? 0;
      t.reasoning += tokens?.reasoning ?? 0;
      if (call.cost.totalUsd !== null && call.cost.totalUsd > 0) t.costUsd += call.cost.totalUsd;
      let repeats = 0;
      const prompt = promptHash(call);
      const seen = prompt === null ? undefined : t.prompts.get(prompt);
      if (prompt !== null && (seen !== undefined || t.prompts.size < MAX_PROMPTS_PER_TRACE)) {
        // A loop sends the prompt again after reading the answer; the same prompt sent in
        // parallel (sampling n answers, fan-out) overlaps in time and is not a repeat.
        const sequential = seen === undefined || call.timing.startMs >= seen.lastEndMs;
        const entry = { count: (seen?.count ?? 0) + (sequential ? 1 : 0), lastEndMs: Math.max(seen?.lastEndMs ?? -Infinity, call.timing.endMs) };
        t.prompts.set(prompt, entry);
        repeats = sequential ? entry.count : 0;
      }
      const toolRepeat = countToolCalls(t, call);
      if (t.reported) return null;
      const tooMany = t.requests > c.max_calls_per_trace;
      const repeated = repeats >= c.max_prompt_repeats;
      const toolLoop = toolRepeat !== null && toolRepeat.count >= c.max_tool_call_repeats;
      if (!tooMany && !repeated && !toolLoop) return null;
      t.reported = true;
      const traceTokens: BilledTokens = { input: t.input, output: t.output, reasoning: t.reasoning, total: t.input + t.output, reasoningRule: tokens?.reasoningRule ?? 'none' };
      const trace = { key_kind: 'trace', key: call.source.traceId, window: 'trace' };
      const [method, evidence] = repeated
        ? ['prompt_repeat', { rule: 'same_prompt', ...trace, baseline: c.max_prompt_repeats, observed: repeats, llm_requests: t.requests }]
        : toolLoop
          ? ['tool_call_repeat', { rule: 'same_tool_call', ...trace, tool: toolRepeat.tool, baseline: c.max_tool_call_repeats, observed: toolRepeat.count, llm_requests: t.requests }]
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
      const seen = t.toolCalls.get(key);
      if (seen === undefined && t.toolCalls.size >= MAX_PROMPTS_PER_TRACE) continue;
      // As for prompts: calls in flight together (fan-out, sampling) are not a loop.
      const sequential = seen === undefined || call.timing.startMs >= seen.lastEndMs;
      const count = (seen?.count ?? 0) + (sequential ? 1 : 0);
      t.toolCalls.set(key, { count, lastEndMs: Math.max(seen?.lastEndMs ?? -Infinity, call.timing.endMs) });
      if (sequential && (most === null || count > most.count)) most = { tool: p.name, count };
    }
  }
  return most;
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
