// Where an instant falls in the week, in UTC: the hour of the week (0 = Monday 00:00–01:00) and
// the hour of the day. Profiles keep one slot per hour of the week, falling back to the hour of
// the day while a slot is young. UTC, because a seasonal pattern repeats whatever the zone it is
// written in: only the slot labels move.

export const HOURS_PER_WEEK = 168;
export const HOURS_PER_DAY = 24;
export const HOUR_MS = 3_600_000;

/** Hours since the epoch: changes once an hour, the unit the global level decays in. */
export const hourIndex = (ms: number): number => Math.floor(ms / HOUR_MS);

/** 0 = Monday 00:00–01:00 UTC … 167 = Sunday 23:00–24:00 UTC. */
export function hourOfWeek(ms: number): number {
  const hours = hourIndex(ms);
  // 1970-01-01 was a Thursday: Thursday 00:00 is hour 72 of the week.
  return (((hours + 72) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

export const hourOfDayOfSlot = (slot: number): number => slot % HOURS_PER_DAY;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A slot as people read it, e.g. "wed 14:00 UTC". */
export function slotLabel(slot: number): string {
  return `${DAYS[Math.floor(slot / HOURS_PER_DAY)]} ${String(slot % HOURS_PER_DAY).padStart(2, '0')}:00 UTC`;
}
