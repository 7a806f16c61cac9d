// Turns a scenario into request plans: Poisson arrivals at the traffic rate (plus the extra
// streams of volume faults), each request given a team, key, user, model and prompt, then played
// through the gateway attempt by attempt (deployment rate limits, injected faults, router retries
// and fallbacks). Everything random comes from one seeded Random, in a fixed order.
import { runAttempt, type AttemptContext } from './attempt.ts';
import { corruptedText, INJECTIONS, jsonAnswer, OFF_TOPIC_ANSWERS, PROMPTS, RAG_TOPICS, SYSTEM_PROMPT } from './content-bank.ts';
import { createFaultWindow, matches, type Match } from './fault-window.ts';
import type { Guardrail, RequestPlan } from './plan.ts';
import { createTeams, userId } from './population.ts';
import { costUsd, DEFAULT_MIX, modelSpec } from './price-table.ts';
import { isRetryable } from './provider-errors.ts';
import { Random } from './random.ts';
import { systemPromptOf } from './render-app.ts';
import { DeploymentLimits } from './rate-limits.ts';
import { estimateChatTokens } from '../../core/model/token-estimate.ts';
import { createRetriever } from './retrieval.ts';
import { createSeasonality } from './seasonality.ts';
import type { Scenario } from './scenario-schema.ts';

export interface Simulation {
  scenario: Scenario;
  startMs: number;
  endMs: number;
  plans: RequestPlan[];
  /** End of the first span any fault touched: where MTTD is measured from. */
  firstFaultMs: number | null;
}

export function generate(scenario: Scenario): Simulation {
  const random = new Random(scenario.seed);
  const traffic = scenario.traffic;
  // Warm-up traffic runs before start; faults count from start.
  const startMs = Date.parse(scenario.start) - scenario.warmup_secs * 1000;
  const endMs = Date.parse(scenario.start) + scenario.duration_secs * 1000;
  const season = createSeasonality(traffic.seasonality);
  const mix = (traffic.models ?? DEFAULT_MIX).map((m) => ({ spec: modelSpec(m.model)!, weight: m.weight }));
  const teams = createTeams(traffic.teams, random);
  const limits = new DeploymentLimits(traffic.rate_limit_scale);
  const window = createFaultWindow(scenario);
  const retrieve = createRetriever(random, scenario, window);
  const attemptContext: AttemptContext = { random, scenario, window, limits, season };
  const spend = new Map<string, number>();
  for (const f of scenario.faults) if (f.kind === 'budget') spend.set(f.team, f.starting_spend_usd);
  const hasGuardrail = scenario.faults.some((f) => f.kind === 'prompt_injection' && f.guardrail_share > 0);
  /** Injected requests so far, per fault index: a campaign works through its phrases in turn. */
  const injections = new Map<number, number>();

  const { active } = window;
  /** Share of normal traffic a match covers, so a volume multiple is of that traffic only. */
  const matchFraction = (m: Match) => {
    const total = mix.reduce((s, x) => s + x.weight, 0);
    const models = mix
      .filter((x) => (m.provider === undefined || m.provider === x.spec.provider) && (m.model === undefined || m.model === x.spec.model))
      .reduce((s, x) => s + x.weight, 0);
    return (models / total) * (m.team === undefined ? 1 : 1 / teams.length);
  };
  const volumes = scenario.faults.flatMap((f, index) => (f.kind === 'volume' ? [{ f, index, fraction: matchFraction(f.match) }] : []));
  const extraRate = (v: (typeof volumes)[number], t: number) => {
    if (!active(v.f, t)) return 0;
    const ramp = v.f.ramp_secs > 0 ? Math.min(1, (window.elapsedSecs(t) - v.f.at_secs) / v.f.ramp_secs) : 1;
    return traffic.rate_per_sec * v.fraction * (v.f.multiplier - 1) * ramp;
  };

  const plans: RequestPlan[] = [];
  let firstFaultMs: number | null = null;
  let t = startMs;
  for (;;) {
    const extras = volumes.map((v) => extraRate(v, t));
    const baseRate = traffic.rate_per_sec * season.rate(t);
    const rate = baseRate + extras.reduce((s, x) => s + x, 0);
    t += random.exponentialMs(rate);
    if (t >= endMs) break;
    let forced: { match: Match; index: number } | null = null;
    let r = random.next() * rate - baseRate;
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
    const candidates = mix.filter(
      (x) => (m.provider === undefined || m.provider === x.spec.provider) && (m.model === undefined || m.model === x.spec.model),
    );
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
    // A tokenizer's difference from the estimate of the captured prompt, drawn here so the rest of
    // the random sequence is what it was when input counts were drawn at random.
    const tokenizerNoise = Math.exp(0.03 * random.normal());
    let inputScale = 1;

    let answer = topic ? (random.chance(traffic.hallucination_share) ? topic.hallucinated : topic.answer) : prompt.answer;
    let outputMultiplier = 1;
    let injected = false;
    let offTopic = false;
    let corrupt = false;
    let hallucinationShare: number | null = null;
    let responseModel: { model: string; match: Match } | null = null;
    let safety: { match: Match; index: number } | null = null;

    for (const [index, f] of scenario.faults.entries()) {
      if (!active(f, at)) continue;
      // A budget fault is about its team, whatever the model.
      if (f.kind === 'budget') {
        if (f.team === team.id && f.spend_multiplier > 1) inputScale = f.spend_multiplier;
        continue;
      }
      if (!matches(f.match, spec, team)) continue;
      if (f.kind === 'prompt_injection') {
        if (!random.chance(f.share)) continue;
        injected = true;
        touched(index);
        // In turn, the classic instruction override first (as red-team tools and campaigns probe),
        // not a random pick: every kind of phrase then arrives within a few injected requests,
        // where a random pick can leave one kind (the override, the DAN persona) out for minutes.
        const sent = injections.get(index) ?? 0;
        injections.set(index, sent + 1);
        plan.userPrompt = `${plan.userPrompt}\n\n${INJECTIONS[sent % INJECTIONS.length]}`;
        outputMultiplier = Math.max(outputMultiplier, f.output_multiplier);
        if (f.degrade_quality) {
          answer = random.pick(OFF_TOPIC_ANSWERS);
          offTopic = true;
        }
        // The guardrail catches exactly its share of each phrase, spread evenly (a quarter: every
        // fourth time it is sent), so each kind of phrase reaches the model the first time it is sent.
        const round = Math.floor(sent / INJECTIONS.length);
        if (Math.floor((round + 1) * f.guardrail_share) > Math.floor(round * f.guardrail_share)) plan.guardrail = guardrailRun(at, true);
      } else if (f.kind === 'response_corruption') {
        if (!random.chance(f.share)) continue;
        touched(index);
        plan.responseFormat = 'json_object';
        corrupt = true;
      } else if (f.kind === 'model_update') {
        touched(index);
        responseModel = { model: f.response_model, match: f.match };
        hallucinationShare = f.hallucination_share;
      } else if (f.kind === 'safety_block') {
        if (random.chance(f.share)) safety = { match: f.match, index };
      }
    }
    if (hallucinationShare !== null && topic) answer = random.chance(hallucinationShare) ? topic.hallucinated : topic.answer;
    if (hasGuardrail && plan.guardrail === null) plan.guardrail = guardrailRun(at, false);
    if (topic) plan.retrieval = retrieve(at, topic, touched);
    // What the provider counts is the captured prompt (system prompt with any retrieved context,
    // and the user turn), within a tokenizer's difference of the estimate; a budget fault's long
    // prompts are counted, not captured.
    const inputTokens = Math.round(estimateChatTokens([systemPromptOf(plan), plan.userPrompt]) * tokenizerNoise * inputScale);

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
      plan.proxyError = {
        status: 400,
        type: 'HTTPException',
        code: '400',
        message: "{'error': 'Violated guardrail policy', 'guardrail': 'lakera-prompt-injection'}",
      };
      plan.faultedAtMs = plan.guardrail.startMs + plan.guardrail.durationMs;
      return plan;
    }

    // Attempts: the model group, retried num_retries times, then its fallback.
    let cursor = plan.guardrail ? plan.guardrail.startMs + plan.guardrail.durationMs + 2 : proxyAt + 3;
    const groups = [spec, ...(traffic.fallbacks[spec.model] ? [modelSpec(traffic.fallbacks[spec.model])!] : [])];
    let done = false;
    for (const deployment of groups) {
      for (let i = 0; i <= traffic.num_retries && !done; i++) {
        const attempt = runAttempt(attemptContext, deployment, cursor, plan, team, inputTokens, touched);
        plan.attempts.push(attempt);
        cursor = attempt.startMs + attempt.durationMs + (attempt.error ? random.int(40, 400) : 0);
        if (attempt.error === null) {
          done = true;
          let text: string | null = answer;
          if (injected && outputMultiplier > 1) {
            attempt.outputTokens = Math.min(16_384, Math.round(attempt.outputTokens * outputMultiplier));
            plan.maxTokens = 16_384;
          }
          if (deployment !== spec) {
            // A weaker fallback: shorter answers, and (when the scenario says) some that make facts up.
            // Drawn only when asked for, so other scenarios keep their random sequence.
            if (topic && traffic.fallback_hallucination_share > 0 && random.chance(traffic.fallback_hallucination_share))
              text = topic.hallucinated;
            else if (deployment.tier === 2) text = shorten(answer);
          }
          if (corrupt) text = corruptedText(random);
          else if (plan.responseFormat === 'json_object') text = jsonAnswer(text, random);
          if (responseModel !== null && matches(responseModel.match, deployment, team)) attempt.responseModel = responseModel.model;
          if (safety !== null && matches(safety.match, deployment, team)) {
            touched(safety.index);
            attempt.finishReason = 'content_filter';
            attempt.outputTokens = 0;
            text = null;
          }
          attempt.outputText = text;
          // Checked before drawing, so traffic without an evaluator keeps its random sequence.
          if (traffic.evaluated_share > 0 && text !== null && random.chance(traffic.evaluated_share)) {
            attempt.faithfulness = Math.round((offTopic ? random.uniform(0.05, 0.3) : random.uniform(0.82, 0.98)) * 100) / 100;
          }
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
      plan.faultedAtMs = first ? first.startMs + first.durationMs : plan.startMs + 10;
    }
    return plan;
  }

  function guardrailRun(at: number, intervened: boolean): Guardrail {
    return {
      name: 'lakera-prompt-injection',
      intervened,
      categories: intervened ? ['prompt_injection'] : [],
      startMs: at,
      durationMs: random.lognormal(45, 0.3),
    };
  }
}

/** What a weaker fallback model answers: the first sentence. */
function shorten(answer: string): string {
  const cut = answer.indexOf('.', 20);
  return cut > 0 ? answer.slice(0, cut + 1) : answer;
}
