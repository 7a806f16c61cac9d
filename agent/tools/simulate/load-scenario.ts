// Reads a scenario: a built-in name (agent/simulate/scenarios/<name>.yaml) or a YAML file a user
// wrote. Every problem is reported at once, with its path and line, like agent.yaml's.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from '../../../config/errors.ts';
import { parseYamlDocument } from '../../../config/yaml-document.ts';
import { toConfigIssues } from '../../../config/zod-issues.ts';
import { createTeams } from './population.ts';
import { modelSpec } from './price-table.ts';
import { Random } from './random.ts';
import { Scenario } from './scenario-schema.ts';

const BUILT_IN_DIR = new URL('./scenarios/', import.meta.url);

export function builtInScenarioNames(): string[] {
  return readdirSync(BUILT_IN_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

export function loadBuiltInScenario(name: string): Scenario {
  const file = new URL(`${name}.yaml`, BUILT_IN_DIR);
  if (!existsSync(file)) {
    throw new ConfigError(
      [{ path: '', message: `no built-in scenario "${name}"; built in: ${builtInScenarioNames().join(', ')} (or give a YAML file)` }],
      name,
    );
  }
  return parseScenario(readFileSync(file, 'utf8'), `${name}.yaml`);
}

/** A built-in name, or a path to a YAML file. */
export function loadScenario(nameOrPath: string): Scenario {
  if (/^[a-z][a-z0-9-]*$/.test(nameOrPath) && !existsSync(nameOrPath)) return loadBuiltInScenario(nameOrPath);
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([{ path: '', message: `cannot read the scenario (${reason})` }], nameOrPath);
  }
  return parseScenario(text, nameOrPath);
}

export function parseScenario(text: string, source: string): Scenario {
  const yaml = parseYamlDocument(text, source);
  const raw = yaml.raw;
  const parsed = Scenario.safeParse(raw);
  const issues: ConfigIssue[] = parsed.success
    ? crossCheck(parsed.data)
    : toConfigIssues(parsed.error, raw, [], 'unknown key; see `faultline simulate --help` for the scenario format');
  if (issues.length > 0 || !parsed.success) throw new ConfigError(yaml.withLines(issues), source);
  return parsed.data;
}

/** Rules zod cannot see: names that must exist in the price table or the population, times in order. */
function crossCheck(s: Scenario): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const knownModel = (path: string, model: string | undefined) => {
    if (model !== undefined && modelSpec(model) === undefined)
      issues.push({ path, message: `unknown model "${model}"; \`faultline simulate --list\` shows the price table` });
  };
  s.traffic.models?.forEach((m, i) => knownModel(`traffic.models[${i}].model`, m.model));
  for (const [from, to] of Object.entries(s.traffic.fallbacks)) {
    knownModel(`traffic.fallbacks.${from}`, from);
    knownModel(`traffic.fallbacks.${from}`, to);
  }
  const teams = new Set(createTeams(s.traffic.teams, new Random(0)).map((t) => t.id));
  const knownTeam = (path: string, team: string | undefined) => {
    if (team !== undefined && !teams.has(team))
      issues.push({
        path,
        message: `unknown team "${team}"; with traffic.teams = ${s.traffic.teams} the teams are ${[...teams].join(', ')}`,
      });
  };
  s.faults.forEach((f, i) => {
    knownModel(`faults[${i}].match.model`, f.match.model);
    knownTeam(`faults[${i}].match.team`, f.match.team);
    if (f.kind === 'budget') knownTeam(`faults[${i}].team`, f.team);
    if (f.until_secs !== undefined && f.until_secs <= f.at_secs)
      issues.push({ path: `faults[${i}].until_secs`, message: `must be after at_secs (${f.at_secs})` });
    if (f.at_secs >= s.duration_secs)
      issues.push({ path: `faults[${i}].at_secs`, message: `starts after the scenario ends (duration_secs ${s.duration_secs})` });
    if (f.kind === 'latency_injection' && f.max_ms < f.min_ms)
      issues.push({ path: `faults[${i}].max_ms`, message: `must be at least min_ms (${f.min_ms})` });
  });
  return issues;
}
