// Who sends the simulated traffic: teams with two virtual keys each (LiteLLM stores a key's
// SHA-256, so the hashes here are random hex of that length) and a pool of end users.
import type { Team } from './plan.ts';
import type { Random } from './random.ts';

const TEAM_NAMES = ['search', 'support', 'analytics', 'checkout', 'growth', 'platform', 'mobile', 'billing', 'docs', 'risk'];

export function createTeams(count: number, random: Random): Team[] {
  return Array.from({ length: count }, (_, i) => {
    const alias = i < TEAM_NAMES.length ? TEAM_NAMES[i] : `team${i + 1}`;
    return {
      id: `team-${alias}`,
      alias,
      keys: [
        { alias: `${alias}-prod`, hash: random.hex(32) },
        { alias: `${alias}-batch`, hash: random.hex(32) },
      ],
      maxBudgetUsd: null,
    };
  });
}

export function userId(index: number): string {
  return `user-${String(index + 1).padStart(4, '0')}`;
}
