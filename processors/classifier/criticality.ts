// Business impact from config: a call on a critical route, or from a critical team, matters more.
// Routes match exactly, or by prefix when the configured route ends in "*".

export type IsCritical = (route: string | null, team: string | null, teamAlias: string | null) => boolean;

export function createCriticality(routes: readonly string[], teams: readonly string[]): IsCritical {
  const exact = new Set(routes.filter((r) => !r.endsWith('*')));
  const prefixes = routes.filter((r) => r.endsWith('*')).map((r) => r.slice(0, -1));
  const teamSet = new Set(teams);
  return (route, team, teamAlias) =>
    (route !== null && (exact.has(route) || prefixes.some((p) => route.startsWith(p)))) ||
    (team !== null && teamSet.has(team)) ||
    (teamAlias !== null && teamSet.has(teamAlias));
}
