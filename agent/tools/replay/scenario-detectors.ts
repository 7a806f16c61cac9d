// A scenario's own detector settings (its `detectors:` section) over the replayed configuration:
// some checks need a setting only the operator can choose, such as how old a collection's
// documents may be before they are stale. Merged key by key (lists replace), then validated by the
// detectors' own schema, so a wrong setting is reported with its scenario path.
import type { AgentConfig } from '../../core/component.ts';
import { toConfigIssues } from '../../../config/zod-issues.ts';
import { ConfigError } from '../../../config/errors.ts';
import type { Scenario } from '../simulate/scenario-schema.ts';

export function withScenarioDetectors(config: AgentConfig, scenario: Scenario): AgentConfig {
  if (Object.keys(scenario.detectors).length === 0) return config;
  const components = new Map(config.components);
  for (const [key, c] of config.components) {
    if (c.kind !== 'processor' || c.factory.type !== 'detectors') continue;
    const merged = mergeSettings(c.config, scenario.detectors);
    const parsed = c.factory.configSchema.safeParse(merged);
    if (!parsed.success) throw new ConfigError(toConfigIssues(parsed.error, merged, ['detectors']), scenario.name);
    components.set(key, { ...c, config: parsed.data });
  }
  return { ...config, components };
}

function mergeSettings(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeSettings(base[k], v) : v;
  return out;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
