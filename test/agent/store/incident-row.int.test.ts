import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../agent/core/model/incident.ts';
import { INCIDENT_COLUMNS, incidentToParams, rowToIncident } from '../../../agent/store/incident-row.ts';
import { withTestSchema } from '../../support/database.ts';

const incident: Incident = {
  incident_id: 'inc-provider-outage-openai-gpt-4o-1',
  fingerprint: 'provider/outage/openai/gpt-4o',
  state: 'open',
  category: 'provider',
  subtype: 'outage',
  severity: 'P1',
  initial_severity: 'P2',
  provider: 'openai',
  model: 'gpt-4o',
  scope: { provider: 'openai', model: 'gpt-4o' },
  title: 'openai gpt-4o outage: 120 failed requests',
  runbook_url: 'https://runbooks.example/provider-failover',
  event_count: 120,
  affected_requests: 120,
  affected_users: 37,
  affected_teams: 3,
  evidence_sample: [{ status_code: 503 }],
  first_seen_at: '2026-11-22T08:00:00.000Z',
  last_seen_at: '2026-11-22T08:04:59.250Z',
  opened_at: '2026-11-22T08:00:00.000Z',
  escalated_at: '2026-11-22T08:02:00.000Z',
  resolved_at: null,
  revision: 7,
  cluster_id: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  caused_by: 'inc-provider-timeout-openai-gpt-4o-1',
  inhibited: true,
  symptoms: [
    {
      incident_id: 'inc-quality-hallucination-openai-gpt-4o-mini-1',
      category: 'quality',
      subtype: 'hallucination',
      provider: 'openai',
      model: 'gpt-4o-mini',
      title: 'P2 quality hallucination on openai gpt-4o-mini: 3 events, 3 requests',
    },
  ],
};

describe('incidents row mapping', () => {
  const db = withTestSchema();

  it('reads back an incident exactly as it was written', async () => {
    const cols = INCIDENT_COLUMNS.join(', ');
    const params = INCIDENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    await db.pool.query(`INSERT INTO incidents (${cols}) VALUES (${params})`, incidentToParams(incident));
    const { rows } = await db.pool.query('SELECT * FROM incidents');
    expect(rows.map(rowToIncident)).toEqual([incident]);
  });

  it('allows one open incident per fingerprint', async () => {
    const cols = INCIDENT_COLUMNS.join(', ');
    const params = INCIDENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    const second = { ...incident, incident_id: 'inc-provider-outage-openai-gpt-4o-2' };
    await expect(db.pool.query(`INSERT INTO incidents (${cols}) VALUES (${params})`, incidentToParams(second))).rejects.toThrow(
      /incidents_one_open_per_fingerprint/,
    );
  });
});
