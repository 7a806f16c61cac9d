// GET /api/v1/incidents (filters: state, category, severity, since, until; newest first, cursor
// pagination) and GET /api/v1/incidents/{id} (the incident, its transitions and member events).
// Parameters are validated with zod; a bad one gets 400 naming it.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { Category, Severity } from '../model/taxonomy.ts';
import { IncidentState } from '../model/incident.ts';
import type { Database } from '../store/database.ts';
import { getIncident, listIncidents } from '../store/incident-queries.ts';

// Lead: stand-in for ApiDeps from agent/api/deps.ts (branch i6-api); swap for the real import.
type ApiDeps = { database: Database };

const time = z.iso.datetime({ offset: true, error: 'expected an RFC 3339 time, e.g. 2026-11-22T08:00:00Z' });

const ListQuery = z.strictObject({
  state: IncidentState.optional(),
  category: Category.optional(),
  severity: Severity.optional(),
  since: time.optional(),
  until: time.optional(),
  limit: z.coerce.number({ error: 'expected an integer from 1 to 1000' }).int({ error: 'expected an integer from 1 to 1000' }).min(1, { error: 'expected an integer from 1 to 1000' }).max(1_000, { error: 'expected an integer from 1 to 1000' }).default(100),
  cursor: z.string().optional(),
});

const DetailQuery = z.strictObject({
  member_limit: z.coerce.number({ error: 'expected an integer from 1 to 10000' }).int({ error: 'expected an integer from 1 to 10000' }).min(1, { error: 'expected an integer from 1 to 10000' }).max(10_000, { error: 'expected an integer from 1 to 10000' }).default(1_000),
});

const IncidentId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'expected an incident id (32 lowercase hex characters)' });

export function registerIncidentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/incidents', async (req, reply) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) return badParameter(reply, q.error);
    const after = q.data.cursor === undefined ? undefined : decodeCursor(q.data.cursor);
    if (after === null) return reply.code(400).send({ error: 'invalid_parameter', parameter: 'cursor', message: 'expected the next_cursor of an earlier response' });
    const page = await listIncidents(deps.database, { ...q.data, after });
    return { incidents: page.incidents, next_cursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id', async (req, reply) => {
    const id = IncidentId.safeParse(req.params.id);
    if (!id.success) return reply.code(400).send({ error: 'invalid_parameter', parameter: 'id', message: id.error.issues[0].message });
    const q = DetailQuery.safeParse(req.query);
    if (!q.success) return badParameter(reply, q.error);
    const detail = await getIncident(deps.database, id.data, q.data.member_limit);
    if (!detail) return reply.code(404).send({ error: 'not_found', message: `No incident ${id.data}.` });
    return detail;
  });
}

function badParameter(reply: FastifyReply, error: z.ZodError) {
  const issue = error.issues[0];
  const parameter = issue.code === 'unrecognized_keys' ? issue.keys[0] : String(issue.path[0] ?? '');
  const message = issue.code === 'unrecognized_keys' ? 'unknown query parameter; known: state, category, severity, since, until, limit, cursor, member_limit' : issue.message;
  return reply.code(400).send({ error: 'invalid_parameter', parameter, message });
}

function encodeCursor(p: { openedAt: string; incidentId: string }): string {
  return Buffer.from(`${p.openedAt}|${p.incidentId}`).toString('base64url');
}

function decodeCursor(cursor: string): { openedAt: string; incidentId: string } | null {
  const [openedAt, incidentId, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !openedAt || !incidentId || Number.isNaN(Date.parse(openedAt)) || !/^[0-9a-f]{32}$/.test(incidentId)) return null;
  return { openedAt, incidentId };
}
