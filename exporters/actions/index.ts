// actions: acts on predictions from the `predictions` lane (off unless added to a pipeline; dry-run
// by default). Above min_score it lowers the at-risk LiteLLM deployment's routing weight through the
// proxy's admin API, only for database-stored models (config-file models get a recommendation), and
// restores the weight it found once the predictor says the risk has passed; optionally posts each
// step to a webhook. Every step is logged, counted and recorded in prediction_actions.
import { defineExporter } from '../../agent/core/component.ts';
import type { PredictedFailure } from '../../agent/core/model/prediction.ts';
import { actionId, storeAction, type ActionRecord } from './action-record.ts';
import { ActionsConfig } from './config.ts';
import { AdminApiError, createLiteLlmAdmin } from './litellm-admin.ts';

interface Lowered {
  predictionId: string;
  deployment: string;
  fromWeight: number;
  toWeight: number;
  applied: boolean;
}

export default defineExporter({
  type: 'actions',
  description:
    "Acts on predictions above a score: lowers an at-risk LiteLLM deployment's routing weight (database-stored models; recommendation otherwise) and restores it when the risk has passed; dry-run by default.",
  configSchema: ActionsConfig,
  create(config, ctx) {
    const admin = config.litellm
      ? createLiteLlmAdmin({ url: config.litellm.url, apiKey: config.litellm.api_key, timeoutMs: config.litellm.timeout_ms })
      : null;
    const counter = ctx.meter.createCounter('faultline_prediction_actions_total', {
      description: 'Steps the actions exporter took on predictions, by kind (lower_weight, restore_weight, recommend) and outcome.',
    });
    // Deployment → what was done to it, so it is restored once, to the weight it had.
    const lowered = new Map<string, Lowered>();
    const handled = new Set<string>();

    const record = async (a: ActionRecord) => {
      counter.add(1, { kind: a.kind, outcome: a.outcome });
      const level = a.outcome === 'failed' ? 'warn' : 'info';
      ctx.logger[level](
        {
          kind: a.kind,
          outcome: a.outcome,
          prediction_id: a.prediction_id,
          deployment: a.deployment,
          from: a.from_weight,
          to: a.to_weight,
        },
        `Prediction action: ${a.reason}`,
      );
      if (ctx.database) {
        try {
          await storeAction(ctx.database, a);
        } catch (err) {
          ctx.logger.warn({ err, action_id: a.action_id }, 'Recording a prediction action in the database failed; it is logged above.');
        }
      }
      if (config.webhook)
        await postWebhook(config.webhook, a, config.dry_run).catch((err: unknown) => {
          ctx.logger.warn({ err: String(err) }, 'Posting a prediction action to the webhook failed.');
        });
    };

    const base = (p: PredictedFailure, kind: ActionRecord['kind']) => ({
      action_id: actionId(p.prediction_id, kind),
      prediction_id: p.prediction_id,
      at: p.updated_at,
      kind,
      provider: p.provider,
      model: p.model,
      deployment: p.deployment,
    });

    const lower = async (p: PredictedFailure): Promise<void> => {
      const why = `${p.failure_type} predicted on ${p.provider}/${p.model ?? '?'} with score ${p.score}`;
      const recommend = (reason: string, outcome: ActionRecord['outcome'] = 'recommend_only') =>
        record({ ...base(p, 'recommend'), outcome, from_weight: null, to_weight: null, reason: `${why}: shift traffic away (${reason})` });
      if (!admin || !config.litellm) return recommend('no LiteLLM admin API configured');
      if (p.deployment === null) return recommend('the spans name no deployment id');
      if (lowered.has(p.deployment)) return;
      if (lowered.size >= config.litellm.max_lowered) return recommend(`already ${lowered.size} deployments lowered (max_lowered)`);
      let deployments;
      try {
        deployments = await admin.deployments();
      } catch (err) {
        return recommend(err instanceof Error ? err.message : String(err), 'failed');
      }
      const target = deployments.find((d) => d.id === p.deployment);
      if (!target) return recommend(`deployment ${p.deployment} is not in /model/info`);
      if (!target.isDbModel)
        return recommend('a config-file model: LiteLLM updates only database-stored models; lower its weight in config.yaml');
      if (deployments.filter((d) => d.modelName === target.modelName).length < 2)
        return recommend(`the only deployment of model group ${target.modelName}: lowering its weight moves no traffic`);
      const fromWeight = target.weight ?? 1;
      const toWeight = Math.max(config.litellm.min_weight, round4(fromWeight * config.litellm.weight_factor));
      const entry: Lowered = { predictionId: p.prediction_id, deployment: p.deployment, fromWeight, toWeight, applied: false };
      if (config.dry_run) {
        lowered.set(p.deployment, entry);
        return record({
          ...base(p, 'lower_weight'),
          outcome: 'dry_run',
          from_weight: fromWeight,
          to_weight: toWeight,
          reason: `${why}: would lower the weight`,
        });
      }
      try {
        await admin.updateWeight(p.deployment, toWeight);
      } catch (err) {
        const refused = err instanceof AdminApiError && err.status === 400;
        return recommend(err instanceof Error ? err.message : String(err), refused ? 'recommend_only' : 'failed');
      }
      lowered.set(p.deployment, { ...entry, applied: true });
      await record({
        ...base(p, 'lower_weight'),
        outcome: 'applied',
        from_weight: fromWeight,
        to_weight: toWeight,
        reason: `${why}: weight lowered`,
      });
    };

    const restore = async (p: PredictedFailure, entry: Lowered, reason: string): Promise<void> => {
      lowered.delete(entry.deployment);
      const common = { ...base(p, 'restore_weight'), from_weight: entry.toWeight, to_weight: entry.fromWeight };
      if (!entry.applied) return record({ ...common, outcome: 'dry_run', reason: `would restore the weight: ${reason}` });
      try {
        await admin!.updateWeight(entry.deployment, entry.fromWeight);
        await record({ ...common, outcome: 'applied', reason: `weight restored: ${reason}` });
      } catch (err) {
        // Kept so a later version of the prediction (or shutdown) tries again.
        lowered.set(entry.deployment, entry);
        await record({
          ...common,
          outcome: 'failed',
          reason: `restoring the weight failed: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
    };

    return {
      async export(batch) {
        for (const p of batch.predictions) {
          const entry = p.deployment === null ? undefined : lowered.get(p.deployment);
          if (entry && entry.predictionId === p.prediction_id && !p.active) {
            await restore(p, entry, `the risk of ${p.failure_type} has passed (${p.status})`);
            continue;
          }
          if (!p.active || p.score < config.min_score || (p.status !== 'pending' && p.status !== 'confirmed')) continue;
          if (handled.has(p.prediction_id)) continue;
          handled.add(p.prediction_id);
          await lower(p);
        }
      },
      async shutdown() {
        // Never leave a router changed behind a stopped agent: its predictions stop with it.
        for (const entry of [...lowered.values()]) {
          const p = { prediction_id: entry.predictionId, provider: '', model: null, deployment: entry.deployment } as PredictedFailure;
          await restore({ ...p, updated_at: new Date(ctx.clock.now()).toISOString() }, entry, 'the agent is shutting down');
        }
      },
    };
  },
});

async function postWebhook(webhook: NonNullable<ActionsConfig['webhook']>, a: ActionRecord, dryRun: boolean): Promise<void> {
  const res = await fetch(webhook.url, {
    method: 'POST',
    headers: { ...webhook.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ source: 'faultline', dry_run: dryRun, action: a }),
    signal: AbortSignal.timeout(webhook.timeout_ms),
  });
  if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
