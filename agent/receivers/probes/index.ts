// probes: synthetic monitoring. Sends one tiny chat request per configured model every
// interval_ms to an OpenAI-compatible endpoint and puts each result on the `spans` lane as the
// span a client would have sent, marked synthetic, so an outage is seen (and baselines keep
// learning) even when no user traffic flows.
import { defineReceiver, type Receiver } from '../../core/component.ts';
import type { Cancel } from '../../core/clock.ts';
import { RefusedError } from '../../core/errors.ts';
import { createBatch } from '../../core/model/batch.ts';
import { createSampledWarning } from '../../core/sampled-warning.ts';
import { sendProbe } from '../probe-client/probe-request.ts';
import { probeSpan, providerOfModel } from '../probe-client/probe-span.ts';
import { ProbesConfig } from './config.ts';

export default defineReceiver({
  type: 'probes',
  description:
    'Synthetic monitoring: one tiny request per model every interval to an OpenAI-compatible endpoint, recorded as synthetic calls.',
  configSchema: ProbesConfig,
  exampleConfig: { target: 'http://127.0.0.1:4000', models: [{ model: 'gpt-4o-mini' }] },
  create(config, ctx): Receiver {
    const warn = createSampledWarning(ctx.logger);
    const probes = ctx.meter.createCounter('faultline_probe_requests_total', {
      description: 'Synthetic probe requests sent by the probes receiver, by model and outcome (ok, error).',
    });
    const inFlight = new Set<Promise<void>>();
    let cancel: Cancel | null = null;
    let stopped = false;

    const probe = async (model: string, provider: string) => {
      const result = await sendProbe(
        {
          url: config.target,
          model,
          apiKey: config.api_key || null,
          prompt: config.prompt,
          maxTokens: config.max_tokens,
          timeoutMs: config.timeout_ms,
        },
        () => ctx.clock.now(),
      );
      probes.add(1, { model, outcome: result.ok ? 'ok' : 'error' });
      if (stopped) return;
      try {
        await ctx.next(createBatch({ spans: [probeSpan(result, provider)] }));
      } catch (err) {
        // A busy pipeline refuses; a probe is not worth retrying (the next one comes soon).
        if (!(err instanceof RefusedError)) throw err;
        warn({ err, model }, 'The pipeline refused a probe result; it is dropped.');
      }
    };

    const round = () => {
      for (const m of config.models) {
        const p = probe(m.model, m.provider ?? providerOfModel(m.model)).catch((err: unknown) =>
          ctx.logger.error({ err, model: m.model }, 'A probe failed inside the agent.'),
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    };

    return {
      async start() {
        ctx.logger.info({ models: config.models.length, interval_ms: config.interval_ms }, 'Probes started.');
        round();
        cancel = ctx.scheduler.every(config.interval_ms, round);
      },
      async shutdown() {
        stopped = true;
        cancel?.();
        cancel = null;
        await Promise.allSettled([...inFlight]);
      },
    };
  },
});
