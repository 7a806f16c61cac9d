// What one failure adds: the waste of its own call, the retry or fallback it caused and the
// fallback's premium at the primary model's learned price; an incident counts each failure once.
import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { impactScore } from '../../../agent/core/model/impact.ts';
import { contributionOf, ownWasteOf, recoveryCost } from '../../../processors/impact/contribution.ts';
import { createPrices } from '../../../processors/impact/prices.ts';
import { addMember, createSubject, requestsOf, usersOf } from '../../../processors/impact/subject.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { llmCall } from '../../support/llm-call-builder.ts';

const withCost = (call: LlmCall, totalUsd: number, input = 1_000, output = 500): LlmCall => ({
  ...call,
  tokens: { ...call.tokens, input, output, total: input + output },
  cost: { ...call.cost, totalUsd },
});

describe('the waste of a failure’s own call', () => {
  it('is the whole cost of a failed attempt, and nothing of a healthy answer a provider failure is not about', () => {
    const failed = withCost(llmCall({ spanId: 'f1', outcome: 'error' }), 0.02);
    expect(ownWasteOf(failureEvent(1), failed)).toBeCloseTo(0.02, 10);
    const answered = withCost(llmCall({ spanId: 'ok1' }), 0.02);
    expect(ownWasteOf(failureEvent(2, { category: 'provider', subtype: 'latency_degradation' }), answered)).toBe(0);
  });

  it('is the whole cost of an answer a quality check rejected', () => {
    const answered = withCost(llmCall({ spanId: 'q1' }), 0.03);
    expect(ownWasteOf(failureEvent(3, { category: 'quality', subtype: 'hallucination' }), answered)).toBeCloseTo(0.03, 10);
  });

  it('is the share above the usual size for an oversized request', () => {
    const big = withCost(llmCall({ spanId: 't1' }), 0.1);
    const event = failureEvent(4, { category: 'cost', subtype: 'token_spike', evidence: { baseline: 1_000, observed: 4_000 } });
    // 3,000 of 4,000 tokens above the usual 1,000.
    expect(ownWasteOf(event, big)).toBeCloseTo(0.075, 10);
  });
});

describe('recovery cost', () => {
  it('charges the fallback’s premium over what the primary model would have cost for the same tokens', () => {
    const prices = createPrices();
    // gpt-4o-mini at $1 per 1,000 tokens, learned from answers the gateway priced.
    for (let i = 0; i < 5; i++) prices.observe('gpt-4o-mini', 600, 400, 1, null, null);
    const primary = {
      ...llmCall({ spanId: 'p1', outcome: 'error', model: 'gpt-4o-mini' }),
      attempt: { number: 1, fallback: false },
    } as LlmCall;
    const fallback = {
      ...withCost(llmCall({ spanId: 'p2', model: 'gpt-4o' }), 3, 600, 400),
      attempt: { number: 2, fallback: true },
    } as LlmCall;
    const r = recoveryCost(primary, fallback, prices);
    expect(r.retry).toBeCloseTo(3, 10);
    expect(r.fallbackExtra).toBeCloseTo(2, 6);
  });

  it('is nothing for a failure that caused no further attempt', () => {
    expect(recoveryCost(llmCall({ spanId: 'x', outcome: 'error' }), null, createPrices())).toEqual({ retry: 0, fallbackExtra: 0 });
  });
});

describe('an incident’s impact', () => {
  it('counts each failure, request and user once however often it is added', () => {
    const s = createSubject('incident', 'i1', {
      category: 'provider',
      subtype: 'outage',
      severity: 'P1',
      provider: 'openai',
      model: 'gpt-4o',
      firstMs: 0,
      lastMs: 0,
    });
    const call = (n: number, user: string) => {
      const c = llmCall({ spanId: `s${n}`, traceId: `${n}`.padStart(32, '0'), outcome: 'error' });
      return { ...c, identity: { ...c.identity, endUser: user } };
    };
    const a = contributionOf(failureEvent(1, { trace_id: '1'.padStart(32, '0') }), call(1, 'u1'), null, createPrices(), new Map());
    const b = contributionOf(failureEvent(2, { trace_id: '2'.padStart(32, '0') }), call(2, 'u1'), null, createPrices(), new Map());
    expect(addMember(s, a, 'model:openai/gpt-4o')).toBe(true);
    expect(addMember(s, a, 'model:openai/gpt-4o')).toBe(false);
    addMember(s, b, 'model:openai/gpt-4o');
    expect(s.failures).toBe(2);
    expect(requestsOf(s)).toBe(2);
    expect(usersOf(s)).toBe(1);
  });

  it('takes a window-level failure’s requests and users as a floor, not on top of the calls it summarises', () => {
    const s = createSubject('incident', 'i2', {
      category: 'provider',
      subtype: 'outage',
      severity: 'P1',
      provider: 'openai',
      model: 'gpt-4o',
      firstMs: 0,
      lastMs: 0,
    });
    const perCall = [1, 2, 3].map((n) => {
      const c = llmCall({ spanId: `c${n}`, traceId: `${n}`.padStart(32, '0'), outcome: 'error' });
      const call = { ...c, identity: { ...c.identity, endUser: `u${n % 2}` } };
      return contributionOf(failureEvent(10 + n, { trace_id: call.source.traceId }), call, null, createPrices(), new Map());
    });
    // The provider's state change: no span of its own, its scope the failed calls of its window.
    const stateChange = failureEvent(20, {
      span_id: null,
      impact_scope: { requests: 3, users: 2, teams: 1, team: 'search', route: null, recovered: false },
    });
    for (const c of perCall) addMember(s, c, 'model:openai/gpt-4o');
    addMember(s, contributionOf(stateChange, null, null, createPrices(), new Map()), 'model:openai/gpt-4o');
    expect(requestsOf(s)).toBe(3);
    expect(usersOf(s)).toBe(2);

    // Alone, it still says how many it hit.
    const alone = createSubject('incident', 'i3', { ...s, firstMs: 0, lastMs: 0 });
    addMember(
      alone,
      contributionOf(failureEvent(21, { span_id: null, impact_scope: stateChange.impact_scope }), null, null, createPrices(), new Map()),
      'k',
    );
    expect(requestsOf(alone)).toBe(3);
    expect(usersOf(alone)).toBe(2);
  });
});

describe('impact_score', () => {
  it('ranks more users, more money and more budget higher, and a whole budget above everything else', () => {
    const base = {
      severity: 'P2' as const,
      users: 10,
      requests: 100,
      shareOfTraffic: 0.1,
      costUsd: 1,
      budgetConsumed: 0,
      qualityExcess: 0,
    };
    expect(impactScore({ ...base, users: 100 })).toBeGreaterThan(impactScore(base));
    expect(impactScore({ ...base, costUsd: 10 })).toBeGreaterThan(impactScore(base));
    expect(impactScore({ ...base, budgetConsumed: 1 }) - impactScore(base)).toBeCloseTo(100, 6);
    // Ten times the users adds a fixed step: 10·log10(1 + users).
    expect(impactScore({ ...base, users: 0, requests: 0, shareOfTraffic: 0, costUsd: 0 })).toBe(10);
  });
});
