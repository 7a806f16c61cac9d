import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { withTestSchema } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { insertEvents, startApi } from './api-under-test.ts';

const db = withTestSchema();
const stored = [
  failureEvent(1),
  failureEvent(2, { category: 'security' }),
  failureEvent(3, { category: 'cost' }),
  failureEvent(4, { category: 'quality' }),
  failureEvent(5, { category: 'data' }),
];

beforeAll(async () => {
  await insertEvents(db.database, stored);
});

async function fetchDocument(token?: string) {
  const api = await startApi(db.database, { token });
  const res = await fetch(`${api.base}/api/v1/openapi.json`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(200);
  return { api, doc: JSON.parse(await res.text()) };
}

describe('/api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route with its operation', async () => {
    const { doc } = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(operations.sort()).toEqual([
      'GET /api/v1/baselines listBaselines',
      'GET /api/v1/baselines/compare compareProviders',
      'GET /api/v1/failures listFailures',
      'GET /api/v1/failures/correlations listCorrelations',
      'GET /api/v1/failures/correlations/{cluster_id} getCorrelation',
      'GET /api/v1/failures/{id} getFailure',
      'GET /api/v1/failures/{id}/impact getFailureImpact',
      'GET /api/v1/impacts listImpacts',
      'GET /api/v1/incidents listIncidents',
      'GET /api/v1/incidents/{id} getIncident',
      'GET /api/v1/incidents/{id}/impact getIncidentImpact',
      'GET /api/v1/openapi.json openapi',
      'GET /api/v1/predictions listPredictions',
      'GET /api/v1/predictions/accuracy getPredictionAccuracy',
      'GET /api/v1/slos listSlos',
      'GET /healthz healthz',
      'GET /readyz readyz',
    ]);
  });

  it('documents every query parameter of /api/v1/failures with the configured maximum page size', async () => {
    const { doc } = await fetchDocument();
    const params = doc.paths['/api/v1/failures'].get.parameters as {
      name: string;
      in: string;
      required: boolean;
      schema: Record<string, unknown>;
    }[];
    expect(params.map((p) => p.name)).toEqual([
      'from',
      'to',
      'category',
      'subtype',
      'severity',
      'provider',
      'model',
      'team',
      'limit',
      'cursor',
    ]);
    expect(params.every((p) => p.in === 'query' && p.required === false)).toBe(true);
    expect(params.find((p) => p.name === 'limit')!.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(params.find((p) => p.name === 'category')!.schema).toMatchObject({ enum: ['security', 'provider', 'cost', 'quality', 'data'] });
    expect(doc.paths['/api/v1/failures/{id}'].get.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true, schema: expect.objectContaining({ pattern: '^[0-9a-f]{32}$' }) }),
    ]);
  });

  it('describes the responses the API really sends (checked with a JSON Schema validator)', async () => {
    const { api, doc } = await fetchDocument();
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(doc, 'openapi.json');
    const validate = (name: string, body: unknown) => {
      const check = ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
      expect(check(body), JSON.stringify(check.errors)).toBe(true);
    };
    const page = await api.get('/api/v1/failures?limit=2');
    validate('FailurePage', page.body);
    for (const event of stored) validate('FailureEvent', (await api.get(`/api/v1/failures/${event.failure_id}`)).body);
    validate('Error', (await api.get('/api/v1/failures?limit=0')).body);
    validate('Readiness', (await api.get('/readyz')).body);
    validate('Liveness', (await api.get('/healthz')).body);
    // And the validator does reject what does not fit.
    const check = ajv.compile({ $ref: 'openapi.json#/components/schemas/FailurePage' });
    expect(check({ data: [{ ...stored[0], severity: 'P9' }], next_cursor: null })).toBe(false);
  });

  it('marks /api/v1 operations as needing the bearer token when one is configured, and not the probes', async () => {
    const { doc } = await fetchDocument('tok_0123456789abcdef');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/failures'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/failures'].get.responses['401']).toBeDefined();
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });
});
