// Validates each component's settings with its factory's own schema and checks the references in
// service.pipelines. Adds to `issues` rather than throwing, so the user sees every problem at once.
import type { ComponentKind, ComponentSpec } from './component-spec.ts';
import type { ConfigIssue } from './errors.ts';
import { ApiConfig, type AgentConfigShape, type PipelineConfig, type ServiceConfig, type StorageConfig } from './schema.ts';
import { toConfigIssues } from './zod-issues.ts';

export interface ResolvedComponent<F extends ComponentSpec = ComponentSpec> {
  id: string;
  kind: ComponentKind;
  factory: F;
  config: unknown;
}

export interface ResolvedConfig<F extends ComponentSpec = ComponentSpec> {
  components: Map<string, ResolvedComponent<F>>;
  pipelines: Record<string, PipelineConfig>;
  service: ServiceConfig;
  storage: StorageConfig | undefined;
  /** The API settings with `enabled` decided (default: on when storage is configured). */
  api: ResolvedApiConfig;
  /** Defined but used by no pipeline: not an error, but worth saying. */
  warnings: string[];
}

export type ResolvedApiConfig = ApiConfig & { enabled: boolean };

const SECTIONS = { receivers: 'receiver', processors: 'processor', exporters: 'exporter' } as const;
const ID = /^([a-z][a-z0-9_]*)(?:\/([A-Za-z0-9_.-]+))?$/;

export function componentKey(kind: ComponentKind, id: string): string {
  return `${kind}:${id}`;
}

export function resolveComponents<F extends ComponentSpec>(
  shape: AgentConfigShape,
  factories: readonly F[],
  issues: ConfigIssue[],
): ResolvedConfig<F> {
  const components = new Map<string, ResolvedComponent<F>>();
  for (const [section, kind] of Object.entries(SECTIONS) as [keyof typeof SECTIONS, ComponentKind][]) {
    for (const [id, settings] of Object.entries(shape[section])) {
      const m = ID.exec(id);
      if (!m) {
        issues.push({ path: `${section}.${id}`, message: 'expected an id of the form `type` or `type/name` (type in lower_snake_case)' });
        continue;
      }
      const factory = factories.find((f) => f.kind === kind && f.type === m[1]);
      if (!factory) {
        const known = factories.filter((f) => f.kind === kind).map((f) => f.type);
        issues.push({ path: `${section}.${id}`, message: `unknown ${kind} type "${m[1]}"; known types: ${known.join(', ') || 'none'}` });
        continue;
      }
      const parsed = factory.configSchema.safeParse(settings ?? {});
      if (!parsed.success) {
        issues.push(...toConfigIssues(parsed.error, settings ?? {}, [section, id]));
        continue;
      }
      components.set(componentKey(kind, id), { id, kind, factory, config: parsed.data });
    }
  }

  const used = new Set<string>();
  for (const [name, pipeline] of Object.entries(shape.service.pipelines)) {
    for (const [section, kind] of Object.entries(SECTIONS) as [keyof typeof SECTIONS, ComponentKind][]) {
      const ids = pipeline[section];
      ids.forEach((id, i) => {
        const path = `service.pipelines.${name}.${section}[${i}]`;
        if (ids.indexOf(id) !== i) issues.push({ path, message: `"${id}" is listed twice in this pipeline` });
        if (!(id in shape[section])) {
          issues.push({ path, message: `references ${kind} "${id}", which is not defined under ${section}` });
        }
        used.add(componentKey(kind, id));
      });
    }
  }

  // A component that cannot run without the database is a configuration error without `storage:`,
  // reported with the rest instead of failing the agent at start.
  if (shape.storage === undefined) {
    for (const c of components.values()) {
      if (!c.factory.requires?.includes('database') || !used.has(componentKey(c.kind, c.id))) continue;
      const section = Object.entries(SECTIONS).find(([, k]) => k === c.kind)![0];
      issues.push({
        path: `${section}.${c.id}`,
        message:
          `the ${c.factory.type} ${c.kind} needs a database: add a \`storage:\` section (storage: {} starts the bundled ` +
          `PostgreSQL; storage.url points at a server), or take "${c.id}" out of service.pipelines`,
      });
    }
  }

  const warnings: string[] = [];
  for (const [section, kind] of Object.entries(SECTIONS) as [keyof typeof SECTIONS, ComponentKind][]) {
    for (const id of Object.keys(shape[section])) {
      if (!used.has(componentKey(kind, id))) warnings.push(`${section}.${id} is defined but not used by any pipeline`);
    }
  }
  return {
    components,
    pipelines: shape.service.pipelines,
    service: shape.service,
    storage: shape.storage,
    api: resolveApi(shape, issues),
    warnings,
  };
}

function resolveApi(shape: AgentConfigShape, issues: ConfigIssue[]): ResolvedApiConfig {
  const api = shape.api ?? ApiConfig.parse({});
  if (api.enabled === true && shape.storage === undefined) {
    issues.push({
      path: 'api.enabled',
      message: 'the API reads failure events from the database; add a `storage:` section or set api.enabled: false',
    });
  }
  return { ...api, enabled: api.enabled ?? shape.storage !== undefined };
}
