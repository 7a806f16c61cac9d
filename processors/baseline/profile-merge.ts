// One profile from the parts several agents learned of one key, each from the calls it saw: every
// part is brought to the newest part's hour (a stopped agent's last hour joins its slots, its
// all-hours level decays for the hours since), then weights and counts add and levels average by
// weight. Each call is in exactly one part, so the fleet profile counts it once.
import { SeasonalProfile, type ProfileSettings } from './seasonal-profile.ts';
import { HOUR_MS, hourOfWeek } from './slot.ts';

/** The merged profile of `parts` (stored profile bytes); throws ProfileDecodeError on an unreadable part. */
export function mergeProfiles(settings: ProfileSettings, parts: readonly Uint8Array[]): SeasonalProfile {
  const profiles = parts.map((bytes) => new SeasonalProfile(settings, bytes));
  const hour = Math.max(-1, ...profiles.map((p) => p.hour()));
  const merged = new SeasonalProfile(settings);
  for (const p of profiles) {
    p.advanceTo(hour, hourOfWeek(hour * HOUR_MS));
    merged.absorb(p);
  }
  return merged;
}
