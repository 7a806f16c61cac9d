// Reads of the incident tables: the open incidents the incidents processor restores at start, and
// the filtered list and single-incident view the REST API serves. Every query is parameterized.
import type { Incident, IncidentTransition } from '../core/model/incident.ts';
import type { Database } from './database.ts';
import { rowToFailureEvent, type FailureEventRow } from './failure-event-row.ts';
import { INCIDENT_COLUMNS, rowToIncident } from './incident-row.ts';
import type { FailureEvent } from '../core/model/failure-event.ts';

const SELECT_INCIDENT = `SELECT ${INCIDENT_COLUMNS.join(', ')} FROM incidents`;

export async function selectOpenIncidents(db: Database): Promise<Incident[]> {
  const { rows } = await db.pool.query(`${SELECT_INCIDENT} WHERE state = 'open' ORDER BY last_seen_at`);
  return rows.map(rowToIncident);
}

export interface IncidentFilter {
  state?: 'open' | 'resolved';
  category?: string;
  severity?: string;
  /** Incidents active at or after this instant (last seen ≥ since). */
  since?: string;
  /** Incidents active at or before this instant (first seen ≤ until). */
  until?: string;
  /** Rows to read at most. */
  take: number;
  /** Continue after this (opened_at, incident_id) position, newest first. */
  after?: { openedAt: string; incidentId: string };
}

/** Incidents matching the filter, newest opened first (then by incident_id), at most `take`. */
export async function listIncidents(db: Database, filter: IncidentFilter): Promise<Incident[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.state) add((p) => `state = ${p}`, filter.state);
  if (filter.category) add((p) => `category = ${p}`, filter.category);
  if (filter.severity) add((p) => `severity = ${p}`, filter.severity);
  if (filter.since) add((p) => `last_seen_at >= ${p}`, filter.since);
  if (filter.until) add((p) => `first_seen_at <= ${p}`, filter.until);
  if (filter.after) {
    params.push(filter.after.openedAt, filter.after.incidentId);
    where.push(`(opened_at, incident_id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(filter.take);
  const sql = `${SELECT_INCIDENT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, incident_id DESC LIMIT $${params.length}`;
  const { rows } = await db.pool.query(sql, params);
  return rows.map(rowToIncident);
}

export interface IncidentMember {
  failure_id: string;
  occurred_at: string;
  /** The event itself when the failure store has it (the two tables are written independently). */
  event: FailureEvent | null;
}

export interface IncidentDetail {
  incident: Incident;
  transitions: IncidentTransition[];
  members: IncidentMember[];
  member_count: number;
}

export async function getIncident(db: Database, incidentId: string, memberLimit: number): Promise<IncidentDetail | null> {
  const found = await db.pool.query(`${SELECT_INCIDENT} WHERE incident_id = $1`, [incidentId]);
  if (found.rows.length === 0) return null;
  const [transitions, members, total] = await Promise.all([
    db.pool.query(
      'SELECT transition_id, kind, severity, at, detail FROM incident_transitions WHERE incident_id = $1 ORDER BY at, transition_id',
      [incidentId],
    ),
    db.pool.query(
      `SELECT m.failure_id AS member_id, m.occurred_at AS member_at, e.*
         FROM incident_events m LEFT JOIN failure_events e ON e.failure_id = m.failure_id AND e.occurred_at = m.occurred_at
        WHERE m.incident_id = $1 ORDER BY m.occurred_at, m.failure_id LIMIT $2`,
      [incidentId, memberLimit],
    ),
    db.pool.query('SELECT count(*)::bigint AS n FROM incident_events WHERE incident_id = $1', [incidentId]),
  ]);
  return {
    incident: rowToIncident(found.rows[0]),
    transitions: transitions.rows.map((r) => ({
      transition_id: r.transition_id,
      kind: r.kind,
      severity: r.severity,
      at: (r.at as Date).toISOString(),
      detail: r.detail,
    })),
    members: members.rows.map((r) => ({
      failure_id: r.member_id,
      occurred_at: (r.member_at as Date).toISOString(),
      event: r.failure_id === null ? null : rowToFailureEvent(r as FailureEventRow),
    })),
    member_count: Number(total.rows[0].n),
  };
}
