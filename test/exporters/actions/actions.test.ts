import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { PredictedFailure } from '../../../agent/core/model/prediction.ts';
import actions from '../../../exporters/actions/index.ts';
import { makeServices } from '../../support/component-context.ts';

const KEY = 'sk-admin-test';

interface StoredModel {
  model_name: string;
  litellm_params: { model: string; weight?: number };
  model_info: { id: string; db_model: boolean };
}

/** Answers like LiteLLM's proxy admin endpoints: /model/info lists, /model/update changes DB-stored models only. */
async function fakeLiteLlm(models: StoredModel[], options: { storeModelInDb?: boolean } = {}) {
  const updates: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${KEY}`)
      return send(401, { error: { message: 'Authentication Error, invalid key', type: 'auth_error', param: 'None', code: '401' } });
    if (req.method === 'GET' && req.url === '/model/info') return send(200, { data: models });
    if (req.method === 'POST' && req.url === '/model/update') {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const body = JSON.parse(text) as { model_info: { id: string }; litellm_params: { weight: number } };
        updates.push(body);
        if (options.storeModelInDb === false)
          return send(400, {
            error: { message: 'Model updates only supported for DB-stored models', type: 'bad_request_error', param: null, code: '400' },
          });
        const m = models.find((x) => x.model_info.id === body.model_info.id);
        if (!m)
          return send(400, {
            error: { message: `Model ${body.model_info.id} not found on proxy.`, type: 'bad_request_error', param: null, code: '400' },
          });
        if (!m.model_info.db_model)
          return send(400, {
            error: {
              message: 'Cannot edit config-based model. Store model in DB via /model/new first.',
              type: 'bad_request_error',
              param: null,
              code: '400',
            },
          });
        m.litellm_params.weight = body.litellm_params.weight;
        send(200, m);
      });
      return;
    }
    send(404, { detail: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    updates,
    models,
    close: () => new Promise((r) => server.close(r)),
  };
}

const models = (): StoredModel[] => [
  { model_name: 'gpt-4o', litellm_params: { model: 'azure/gpt-4o-east', weight: 2 }, model_info: { id: 'dep-db', db_model: true } },
  { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o' }, model_info: { id: 'dep-db-2', db_model: true } },
  { model_name: 'claude', litellm_params: { model: 'anthropic/claude-sonnet-4-5' }, model_info: { id: 'dep-cfg', db_model: false } },
  { model_name: 'claude', litellm_params: { model: 'bedrock/claude-sonnet-4-5' }, model_info: { id: 'dep-cfg-2', db_model: false } },
];

function prediction(deployment: string, over: Partial<PredictedFailure> = {}): PredictedFailure {
  return {
    prediction_id: `p-${deployment}`,
    provider: 'openai',
    model: 'gpt-4o',
    deployment,
    failure_type: 'rate_limited',
    score: 0.92,
    active: true,
    predicted_at: '2026-01-05T09:02:00.000Z',
    expected_at: '2026-01-05T09:03:30.000Z',
    horizon_secs: 240,
    indicators: { secs_to_exhaustion: 90 },
    recommended_action: 'shift_traffic',
    status: 'pending',
    outcome_failure_id: null,
    lead_secs: null,
    resolved_at: null,
    updated_at: '2026-01-05T09:02:00.000Z',
    ...over,
  };
}

const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function build(config: Record<string, unknown>) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const exporter = await actions.create(actions.configSchema.parse(config), {
    id: 'actions',
    logger,
    clock: { now: () => Date.parse('2026-01-05T09:10:00Z') },
    scheduler: { every: () => () => {}, after: () => () => {} },
    ...makeServices(),
  });
  return { exporter, lines };
}

describe('actions exporter against a LiteLLM proxy', () => {
  it('lowers a database-stored deployment’s weight above the score and restores it when the risk has passed', async () => {
    const proxy = await fakeLiteLlm(models());
    servers.push(proxy);
    const { exporter, lines } = await build({ dry_run: false, litellm: { url: proxy.url, api_key: KEY } });
    await exporter.export(createBatch({ predictions: [prediction('dep-db')] }));
    expect(proxy.updates).toEqual([{ model_info: { id: 'dep-db' }, litellm_params: { weight: 0.2 } }]);
    expect(proxy.models[0].litellm_params.weight).toBe(0.2);
    // A confirmed version while the risk lasts changes nothing more.
    await exporter.export(createBatch({ predictions: [prediction('dep-db', { status: 'confirmed', lead_secs: 75 })] }));
    expect(proxy.updates).toHaveLength(1);
    await exporter.export(
      createBatch({ predictions: [prediction('dep-db', { status: 'confirmed', active: false, updated_at: '2026-01-05T09:08:00.000Z' })] }),
    );
    expect(proxy.updates.at(-1)).toEqual({ model_info: { id: 'dep-db' }, litellm_params: { weight: 2 } });
    expect(proxy.models[0].litellm_params.weight).toBe(2);
    const steps = lines.filter((l) => l.kind).map((l) => `${l.kind}:${l.outcome}`);
    expect(steps).toEqual(['lower_weight:applied', 'restore_weight:applied']);
    expect(JSON.stringify(lines)).not.toContain(KEY);
  });

  it('only recommends for a config-file deployment and changes nothing', async () => {
    const proxy = await fakeLiteLlm(models());
    servers.push(proxy);
    const { exporter, lines } = await build({ dry_run: false, litellm: { url: proxy.url, api_key: KEY } });
    await exporter.export(createBatch({ predictions: [prediction('dep-cfg', { provider: 'anthropic', model: 'claude' })] }));
    expect(proxy.updates).toEqual([]);
    const step = lines.find((l) => l.kind)!;
    expect(step).toMatchObject({ kind: 'recommend', outcome: 'recommend_only', deployment: 'dep-cfg' });
    expect(String(step.msg)).toContain('config-file model');
  });

  it('turns the proxy’s 400 for a model it will not update into a recommendation', async () => {
    // A proxy started without STORE_MODEL_IN_DB refuses every update, whatever /model/info says.
    const proxy = await fakeLiteLlm(models(), { storeModelInDb: false });
    servers.push(proxy);
    const { exporter, lines } = await build({ dry_run: false, litellm: { url: proxy.url, api_key: KEY } });
    await exporter.export(createBatch({ predictions: [prediction('dep-db')] }));
    expect(proxy.updates).toHaveLength(1);
    expect(proxy.models[0].litellm_params.weight).toBe(2);
    const step = lines.find((l) => l.kind)!;
    expect(step).toMatchObject({ kind: 'recommend', outcome: 'recommend_only' });
    expect(String(step.msg)).toContain('Model updates only supported for DB-stored models');
  });

  it('in dry-run mode changes nothing and says what it would do', async () => {
    const proxy = await fakeLiteLlm(models());
    servers.push(proxy);
    const { exporter, lines } = await build({ litellm: { url: proxy.url, api_key: KEY } });
    await exporter.export(createBatch({ predictions: [prediction('dep-db')] }));
    await exporter.export(createBatch({ predictions: [prediction('dep-db', { active: false, status: 'expired' })] }));
    expect(proxy.updates).toEqual([]);
    expect(lines.filter((l) => l.kind).map((l) => `${l.kind}:${l.outcome}`)).toEqual(['lower_weight:dry_run', 'restore_weight:dry_run']);
  });

  it('ignores predictions under its score and restores what it lowered at shutdown', async () => {
    const proxy = await fakeLiteLlm(models());
    servers.push(proxy);
    const { exporter } = await build({ dry_run: false, litellm: { url: proxy.url, api_key: KEY } });
    await exporter.export(createBatch({ predictions: [prediction('dep-db-2', { score: 0.6 })] }));
    expect(proxy.updates).toEqual([]);
    await exporter.export(createBatch({ predictions: [prediction('dep-db')] }));
    await exporter.shutdown?.();
    expect(proxy.updates.map((u: any) => u.litellm_params.weight)).toEqual([0.2, 2]);
  });
});
