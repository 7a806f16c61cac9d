// Which incidents an alert receiver gets, and what each transition means to it. Configured per
// exporter (`route: { severities, categories }`), decided from the update alone — no memory of
// what was sent — so a restart can neither re-page nor forget a resolve:
//   opened / reopened               → trigger, if the incident's severity and category match
//   escalated, or updated with a severity change, new symptoms listed or its inhibition ended
//                                    → trigger again (the receiver updates the alert)
//   resolved                         → resolve, if any severity the incident held matched
//   other updates                    → nothing
// An inhibited incident (a symptom whose root incident was open when it opened) triggers nothing
// and resolves nothing: its root incident's alert lists it instead.
import { z } from 'zod';
import type { IncidentUpdate } from '../../core/model/incident.ts';
import { Category, Severity } from '../../core/model/taxonomy.ts';

const ALL_SEVERITIES: Severity[] = ['P1', 'P2', 'P3', 'P4'];
const ALL_CATEGORIES: Category[] = ['security', 'provider', 'cost', 'quality', 'data'];

export const RouteConfig = z
  .strictObject({
    severities: z
      .array(Severity)
      .min(1)
      .default(ALL_SEVERITIES)
      .describe('Incident severities this receiver gets (e.g. [P1, P2] for paging).'),
    categories: z.array(Category).min(1).default(ALL_CATEGORIES).describe('Incident categories this receiver gets.'),
  })
  .default({ severities: ALL_SEVERITIES, categories: ALL_CATEGORIES })
  .describe('Which incidents go to this receiver; every incident by default.');
export type RouteConfig = z.infer<typeof RouteConfig>;

export type NotificationAction = 'trigger' | 'resolve';

export function routeAction(update: IncidentUpdate, route: RouteConfig): NotificationAction | null {
  const { incident, transition } = update;
  if (!route.categories.includes(incident.category) || incident.inhibited) return null;
  switch (transition.kind) {
    case 'opened':
    case 'reopened':
    case 'escalated':
      return route.severities.includes(incident.severity) ? 'trigger' : null;
    case 'updated': {
      const d = transition.detail;
      const changed = d.severity_from !== undefined || d.symptoms_added !== undefined || d.released_from !== undefined;
      return changed && route.severities.includes(incident.severity) ? 'trigger' : null;
    }
    case 'resolved':
      return severitiesHeld(incident.severity, incident.initial_severity).some((s) => route.severities.includes(s)) ? 'resolve' : null;
  }
}

/** Severity only rises, so an incident held every level from its first to its current one. */
export function severitiesHeld(current: Severity, initial: Severity): Severity[] {
  return ALL_SEVERITIES.filter((s) => s >= current && s <= initial);
}
