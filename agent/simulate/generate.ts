// Turns a scenario into request plans: Poisson arrivals at the traffic rate (plus the extra
// streams of volume faults), each request given a team, key, user, model and prompt, then played
// through the gateway attempt by attempt (deployment rate limits, injected faults, router retries
// and fallbacks). Everything random comes from one seeded Random, in a fixed order.
import { corruptedText, INJECTIONS, jsonAnswer, OFF_TOPIC_ANSWERS, PROMPTS, RAG_TOPICS, SYSTEM_PROMPT, type RagTopic } from './content-bank.ts';
import type { Attempt, ErrorShape, Guardrail, RequestPlan, Retrieval, Team } from './plan.ts';
import { createTeams, userId } from './population.ts';
import { DEFAULT_MIX, modelSpec, costUsd, type ModelSpec } from './price-table.ts';
import { isRetryable, providerError, rateLimitError } from './provider-errors.ts';
import { Random } from './random.ts';
import { DeploymentLimits } from './rate-limits.ts';
import type { Fault, Scenario } from './scenario-schema.ts';

export interface Simulation {
  scenario: Scenario;
  startMs: number;
  endMs: number;
  plans: RequestPlan[];
  /** End of the first span any fault touched: where MTTD is measured from. */
  firstFaultMs: number | null;
}

type Match = Fault['match'];
type FaultOf<K extends Fault['kind']> = Extract<Fault, { kind: K }>;

const EMBEDDING_DIMS = 16;

export function generate(scenario: Scenario): Simulation {
  const random = new Random(scenario.seed);
  const traffic = scenario.traffic;
  const startMs = Date.parse(scenario.start);
  const durationMs = scenario.duration_secs * 1000;
  const endMs = startMs + durationMs;
  const mix = (traffic.models ?? DEFAULT_MIX).map((m) => ({ spec: modelSpec(m.model)!, weight: m.weight }));
  const teams = createTeams(traffic.teams, random);
  const limits = new DeploymentLimits(traffic.rate_limit_scale);
  const centroid = unitVector(random);
  const drift = unitVector(random);
  const spend = new Map<string, number>();
  for (const f of scenario.faults) if (f.kind === 'budget') spend.set(f.team, f.starting_spend_usd);
  const hasGuardrail = scenario.faults.some((f) => f.kind === 'prompt_injection' && f.guardrail_share > 0);

  const rel = (t: number) => (t - startMs) / 1000;
  const active = (f: Fault, t: number) => rel(t) >= f.at_secs && rel(t) < (f.until_secs ?? Infinity);
  /** 0 at the fault's start, 1 at its end (or the scenario's). */
  const progress = (f: Fault, t: number) => {
    const until = f.until_secs ?? scenario.duration_secs;
    return until <= f.at_secs ? 1 : Math.min(1, Math.max(0, (rel(t) - f.at_secs) / (until - f.at_secs)));
  };
  const matches = (m: Match, spec: ModelSpec, team: Team) =>
    (m.provider === undefined || m.provider === spec.provider) && (m.model === undefined || m.model === spec.model) && (m.team === undefined || m.team === team.id);

  /** Share of normal traffic a match covers, so a volume multiple is of that traffic only. */
  const matchFraction = (m: Match) => {
    const total = mix.reduce((s, x) => s + x.weight, 0);
    const models = mix.filter((x) => (m.provider === undefined || m.provider === x.spec.provider) && (m.model === undefined || m.model === x.spec.model)).reduce((s, x) => s + x.weight, 0);
    return (models / total) * (m.team === undefined ? 1 : 1 / teams.length);
  };
  const volumes = scenario.faults.flatMap((f, index) => (f.kind === 'volume' ? [{ f, index, fraction: matchFraction(f.match) }] : []));
  const extraRate = (v: (typeof volumes)[number], t: number) => {
    if (!active(v.f, t)) return 0;
    const ramp = v.f.ramp_secs > 0 ? Math.min(1, (rel(t) - v.f.at_secs) / v.f.ramp_secs) : 1;
    return traffic.rate_per_sec * v.fraction * (v.f.multiplier - 1) * ramp;
  };

  const plans: RequestPlan[] = [];
  let firstFaultMs: number | null = null;
  let t = startMs;
  for (;;) {
    const extras = volumes.map((v) => extraRate(v, t));
    const rate = traffic.rate_per_sec + extras.reduce((s, x) => s + x, 0);
    t += random.exponentialMs(rate);
    if (t >= endMs) break;
    let forced: { match: Match; index: number } | null = null;
    let r = random.next() * rate - traffic.rate_per_sec;
    for (let i = 0; i < volumes.length && r >= 0; i++) {
      r -= extras[i];
      if (r < 0) forced = { match: volumes[i].f.match, index: volumes[i].index };
    }
    const plan = planRequest(Math.round(t), forced);
    plans.push(plan);
    if (plan.faultedAtMs !== null && (firstFaultMs === null || plan.faultedAtMs < firstFaultMs)) firstFaultMs = plan.faultedAtMs;
  }
  return { scenario, startMs, endMs, plans, firstFaultMs };

  function planRequest(at: number, forced: { match: Match; index: number } | null): RequestPlan {
    const m = forced?.match ?? {};
    const team = m.team !== undefined ? (teams.find((x) => x.id === m.team) ?? random.pick(teams)) : random.pick(teams);
    const candidates = mix.filter((x) => (m.provider === undefined || m.provider === x.spec.provider) && (m.model === undefined || m.model === x.spec.model));
    const spec = random.weighted(candidates.length > 0 ? candidates : mix).spec;
    const faults: number[] = forced ? [forced.index] : [];
    const touched = (index: number) => {
      if (!faults.includes(index)) faults.push(index);
    };

    const topic = random.chance(traffic.rag_share) ? random.pick(RAG_TOPICS) : null;
    const prompt = random.pick(PROMPTS);
    const plan: RequestPlan = {
      traceId: random.hex(16),
      serverSpanId: random.hex(8),
      startMs: at,
      team,
      key: random.pick(team.keys),
      user: userId(random.int(0, traffic.users - 1)),
      modelGroup: spec.model,
      systemPrompt: SYSTEM_PROMPT,
      userPrompt: topic ? topic.question : prompt.user,
      responseFormat: random.chance(traffic.json_share) ? 'json_object' : null,
      maxTokens: 1024,
      attempts: [],
      proxyError: null,
      guardrail: null,
      retrieval: null,
      keySpendUsd: Math.round(random.uniform(5, 400) * 100) / 100,
      faultedAtMs: null,
      faults,
    };
    let inputTokens = Math.round(random.lognormal(topic ? 900 : 450, 0.5));

    let answer = topic ? (random.chance(traffic.hallucination_share) ? topic.hallucinated : topic.answer) : prompt.answer;
    let outputMultiplier = 1;
    let injected = false;
    let corrupt = false;
    let hallucinationShare: number | null = null;
    let responseModel: { model: string; match: Match; index: number } | null = null;
    let safety: { match: Match; index: number } | null = null;

    scenario.faults.forEach((f, index) => {
      if (!active(f, at) || !matches(f.match, spec, team)) return;
      switch (f.kind) {
        case 'prompt_injection':
          if (!random.chance(f.share)) return;
          injected = true;
          touched(index);
          plan.userPrompt = `${plan.userPrompt}\n\n${random.pick(INJECTIONS)}`;
          outputMultiplier = Math.max(outputMultiplier, f.output_multiplier);
          if (f.degrade_quality) answer = random.pick(OFF_TOPIC_ANSWERS);
          if (random.chance(f.guardrail_share)) plan.guardrail = guardrailSpan(at, true);
          return;
        case 'response_corruption':
          if (!random.chance(f.share)) return;
          touched(index);
          plan.responseFormat = 'json_object';
          corrupt = true;
          return;
        case 'model_update':
          touched(index);
          responseModel = { model: f.response_model, match: f.match, index };
          hallucinationShare = f.hallucination_share;
          return;
        case 'safety_block':
          if (random.chance(f.share)) safety = { match: f.match, index };
          return;
        case 'budget':
          if (f.spend_multiplier > 1) inputTokens = Math.round(inputTokens * f.spend_multiplier);
          return;
        default:
          return;
      }
    });
    if (hallucinationShare !== null && topic) answer = random.chance(hallucinationShare) ? topic.hallucinated : topic.answer;
    if (hasGuardrail && plan.guardrail === null) plan.guardrail = guardrailSpan(at, false);
    if (topic) plan.retrieval = retrieve(at, topic, touched);

    // The proxy's own checks come before any attempt: a team over budget is refused.
    const proxyAt = (plan.retrieval ? plan.retrieval.startMs + plan.retrieval.durationMs : at) + 5;
    plan.startMs = proxyAt;
    if (plan.guardrail) plan.guardrail.startMs = proxyAt + 2;
    for (const [index, f] of scenario.faults.entries()) {
      if (f.kind !== 'budget' || f.team !== team.id) continue;
      const spent = spend.get(team.id) ?? 0;
      plan.keySpendUsd = Math.round(spent * 100) / 100;
      if (spent >= f.budget_usd) {
        plan.proxyError = {
          status: 400,
          type: 'ProxyException',
          code: '400',
          message: `Budget has been exceeded! Team=${team.id} Current cost: ${spent.toFixed(4)}, Max budget: ${f.budget_usd}`,
        };
        touched(index);
        plan.faultedAtMs = proxyAt + 12;
        return plan;
      }
    }
    if (plan.guardrail?.intervened) {
      plan.proxyError = { status: 400, type: 'HTTPException', code: '400', message: "{'error': 'Violated guardrail policy', 'guardrail': 'lakera-prompt-injection'}" };
      plan.faultedAtMs = plan.guardrail.startMs + plan.guardrail.durationMs;
      return plan;
    }

    // Attempts: the model group, retried num_retries times, then its fallback.
    let cursor = plan.guardrail ? plan.guardrail.startMs + plan.guardrail.durationMs + 2 : proxyAt + 3;
    const groups = [spec, ...(traffic.fallbacks[spec.model] ? [modelSpec(traffic.fallbacks[spec.model])!] : [])];
    let done = false;
    for (const deployment of groups) {
      for (let i = 0; i <= traffic.num_retries && !done; i++) {
        const attempt = runAttempt(deployment, cursor, plan, team, inputTokens, touched);
        plan.attempts.push(attempt);
        cursor = attempt.startMs + attempt.durationMs + (attempt.error ? random.int(40, 400) : 0);
        if (attempt.error === null) {
          done = true;
          let text: string | null = answer;
          if (injected && outputMultiplier > 1) {
            attempt.outputTokens = Math.min(16_384, Math.round(attempt.outputTokens * outputMultiplier));
            plan.maxTokens = 16_384;
          }
          if (deployment.tier === 2 && deployment !== spec) text = shorten(answer);
          if (corrupt) text = corruptedText(random);
          else if (plan.responseFormat === 'json_object') text = jsonAnswer(text, random);
          if (responseModel !== null && matches((responseModel as { match: Match }).match, deployment, team)) attempt.responseModel = (responseModel as { model: string }).model;
          const block = safety as { match: Match; index: number } | null;
          if (block !== null && matches(block.match, deployment, team)) {
            touched(block.index);
            attempt.finishReason = 'content_filter';
            attempt.outputTokens = 0;
            text = null;
          }
          attempt.outputText = text;
          const cost = costUsd(deployment, attempt.inputTokens, attempt.outputTokens).total;
          if (spend.has(team.id)) spend.set(team.id, (spend.get(team.id) ?? 0) + cost);
          limits.record(deployment, attempt.startMs, attempt.inputTokens + attempt.outputTokens);
        } else {
          limits.record(deployment, attempt.startMs, 0);
          if (!isRetryable(attempt.error)) {
            done = true;
            break;
          }
        }
      }
      if (done) break;
    }
    if (faults.length > 0) {
      const first = plan.attempts[0];
      plan.faultedAtMs = first ? first.startMs + first.durationMs : requestAt(plan);
    }
    return plan;
  }

  function runAttempt(spec: ModelSpec, startAt: number, plan: RequestPlan, team: Team, inputTokens: number, touched: (i: number) => void): Attempt {
    const outputTokens = Math.min(plan.maxTokens, Math.max(1, Math.round(random.lognormal(spec.tier === 1 ? 280 : 200, 0.5))));
    const attempt: Attempt = {
      spanId: random.hex(8),
      spec,
      startMs: startAt,
      durationMs: 0,
      error: null,
      inputTokens,
      outputTokens,
      responseModel: spec.responseModel,
      finishReason: outputTokens >= plan.maxTokens ? 'length' : 'stop',
      outputText: null,
      rateLimit: null,
    };
    const h = limits.headroom(spec, startAt);
    let error: ErrorShape | null = null;
    if (h.usedRequests + 1 > h.limitRequests) error = rateLimitError(spec, 'requests', h.usedRequests, 1);
    else if (h.usedTokens + inputTokens + outputTokens > h.limitTokens) error = rateLimitError(spec, 'tokens', h.usedTokens, inputTokens + outputTokens);
    let extraMs = 0;
    scenario.faults.forEach((f, index) => {
      if (!active(f, startAt) || !matches(f.match, spec, team)) return;
      if (f.kind === 'error' && error === null && random.chance(f.share)) {
        error = providerError(f.error, spec, traffic.timeout_ms);
        touched(index);
      } else if (f.kind === 'latency_ramp') {
        extraMs += f.to_ms * progress(f, startAt) * random.uniform(0.85, 1.15);
        touched(index);
      } else if (f.kind === 'latency_injection' && random.chance(f.share)) {
        extraMs += random.uniform(f.min_ms, f.max_ms);
        touched(index);
      }
    });
    if (error !== null) {
      const e = error as ErrorShape;
      attempt.error = e;
      attempt.durationMs = e.type === 'Timeout' ? traffic.timeout_ms * random.uniform(1, 1.01) : random.lognormal(e.status === 429 ? 120 : 300, 0.3);
      attempt.outputTokens = 0;
      return attempt;
    }
    const perToken = (spec.medianMs * 0.6) / 280;
    attempt.durationMs = random.lognormal(spec.medianMs * 0.4, spec.sigma) + outputTokens * perToken * random.uniform(0.8, 1.2) + extraMs;
    if (attempt.durationMs > traffic.timeout_ms) {
      attempt.error = providerError('timeout', spec, traffic.timeout_ms);
      attempt.durationMs = traffic.timeout_ms * random.uniform(1, 1.01);
      attempt.outputTokens = 0;
      return attempt;
    }
    if (spec.provider !== 'gemini') {
      attempt.rateLimit = {
        limitRequests: h.limitRequests,
        remainingRequests: Math.max(0, h.limitRequests - h.usedRequests - 1),
        limitTokens: h.limitTokens,
        remainingTokens: Math.max(0, h.limitTokens - h.usedTokens - inputTokens - outputTokens),
      };
    }
    return attempt;
  }

  function guardrailSpan(at: number, intervened: boolean): Guardrail {
    return { name: 'lakera-prompt-injection', intervened, categories: intervened ? ['prompt_injection'] : [], startMs: at, durationMs: random.lognormal(45, 0.3) };
  }

  function retrieve(at: number, topic: RagTopic, touched: (i: number) => void): Retrieval {
    let scoreShift = 0;
    let staleDays: number | null = null;
    let embeddingShift = 0;
    scenario.faults.forEach((f, index) => {
      if (!active(f, at)) return;
      if (f.kind === 'retrieval_drift') {
        const p = progress(f, at);
        scoreShift = (0.84 - f.score_to) * p;
        embeddingShift = f.embedding_shift * p;
        touched(index);
      } else if (f.kind === 'stale_index') {
        staleDays = f.age_days;
        touched(index);
      }
    });
    const others = RAG_TOPICS.filter((x) => x !== topic);
    const texts = [...topic.documents.map((d) => ({ d, relevant: true })), ...random.pick(others).documents.map((d) => ({ d, relevant: false }))];
    const documents = texts
      .map(({ d, relevant }, i) => ({
        id: `kb-${hashText(d)}-${i}`,
        score: Math.round(Math.min(0.99, Math.max(0.05, random.normal() * 0.04 + (relevant ? 0.84 - scoreShift : 0.52))) * 1000) / 1000,
        content: d,
        updatedAtMs: Math.round(at - (staleDays !== null ? staleDays * 86_400_000 + random.uniform(0, 86_400_000) : random.uniform(3_600_000, 3 * 86_400_000))),
      }))
      .sort((a, b) => b.score - a.score);
    const embedding = centroid.map((c, i) => round4(c * (1 - embeddingShift) + drift[i] * embeddingShift + random.normal() * 0.03));
    return { collection: 'kb-articles', query: topic.question, documents, embedding, startMs: at, durationMs: random.lognormal(60, 0.3) };
  }

  function requestAt(plan: RequestPlan): number {
    return plan.startMs + 10;
  }
}

function unitVector(random: Random): number[] {
  const v = Array.from({ length: EMBEDDING_DIMS }, () => random.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function shorten(answer: string): string {
  const cut = answer.indexOf('.', 20);
  return cut > 0 ? answer.slice(0, cut + 1) : answer;
}

function hashText(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}
