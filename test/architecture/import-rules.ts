// The layers of the source tree as rules over its import graph (docs/ARCHITECTURE.md draws them).
// Reads every import and export specifier with TypeScript's own pre-parser (static, type-only,
// re-exports and dynamic import()), resolves the relative ones, and reports each edge a rule
// forbids. Package imports (node:*, npm) are not layers and are not checked.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Both paths relative to the tree's root, with forward slashes. */
  from: string;
  to: string;
}

export interface Violation extends ImportEdge {
  rule: string;
}

/** Where the source lives; test/ is outside the layers (tests may import anything). */
const SOURCE_ROOTS = ['agent', 'processors', 'exporters', 'config', 'bin'];
const SOURCE_FILE = /\.(ts|mts|js|mjs)$/;

type Layer = 'config' | 'model' | 'core' | 'store' | 'otlp-wire' | 'probe-client' | 'delivery' | 'component' | 'telemetry' | 'api' | 'root';

/** Which layers a layer may import, besides itself. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  config: [],
  model: [],
  core: ['model', 'config'],
  store: ['core', 'model', 'config'],
  'otlp-wire': ['core', 'model', 'config'],
  'probe-client': ['core', 'model', 'config'],
  delivery: ['store', 'core', 'model', 'config'],
  telemetry: ['core', 'model', 'config'],
  api: ['store', 'core', 'model', 'config'],
  component: ['delivery', 'otlp-wire', 'probe-client', 'store', 'core', 'model', 'config'],
  root: ['component', 'api', 'telemetry', 'delivery', 'otlp-wire', 'probe-client', 'store', 'core', 'model', 'config'],
};

/** The only file that names component folders: the registry's explicit list of factories. */
export const COMPONENT_LIST = 'agent/registry.ts';

/** The component folder a file belongs to (processors/x, exporters/x, agent/receivers/otlp|probes), or null. */
export function componentOf(path: string): string | null {
  const m = /^(processors\/[^/]+|exporters\/[^/]+|agent\/receivers\/(?:otlp|probes))\//.exec(path);
  return m ? m[1] : null;
}

/** The layer of a source file, or null for a file outside every layer (itself a violation). */
export function layerOf(path: string): Layer | null {
  if (componentOf(path)) return 'component';
  const prefixes: [string, Layer][] = [
    ['config/', 'config'],
    ['agent/core/model/', 'model'],
    ['agent/core/', 'core'],
    ['agent/version.ts', 'core'],
    ['agent/store/', 'store'],
    ['agent/receivers/otlp-wire/', 'otlp-wire'],
    ['agent/receivers/probe-client/', 'probe-client'],
    ['agent/delivery/', 'delivery'],
    ['agent/telemetry/', 'telemetry'],
    ['agent/api/', 'api'],
    // The composition root: the component list, the entry point and commands, the tools that
    // build pipelines from the registry, and the reference rendered from its schemas.
    ['agent/registry.ts', 'root'],
    ['agent/main.ts', 'root'],
    ['agent/config-reference.ts', 'root'],
    ['agent/cli/', 'root'],
    ['agent/tools/', 'root'],
    ['bin/', 'root'],
  ];
  for (const [prefix, layer] of prefixes) if (path === prefix || path.startsWith(prefix)) return layer;
  return null;
}

/** The rule an import breaks, or null. Checked in order; the first broken rule is reported. */
export function brokenRule(edge: ImportEdge): string | null {
  const { from, to } = edge;
  const fromComponent = componentOf(from);
  const toComponent = componentOf(to);
  if (fromComponent && toComponent && fromComponent !== toComponent) {
    return `a component imports another component's folder (${fromComponent} → ${toComponent}); share through agent/core or a support layer`;
  }
  if (toComponent && toComponent !== fromComponent && from !== COMPONENT_LIST) {
    return `only ${COMPONENT_LIST} (the composition root's component list) may import a component folder (${toComponent})`;
  }
  const fromLayer = layerOf(from);
  const toLayer = layerOf(to);
  if (fromLayer === null) return `${from} is in no layer; place it in one (test/architecture/import-rules.ts)`;
  if (toLayer === null) return `${to} is in no layer; place it in one (test/architecture/import-rules.ts)`;
  if (fromLayer === 'config' && to.startsWith('agent/')) return 'config/ imports agent/; configuration knows no agent code';
  if (fromLayer === 'core' && toLayer !== 'core' && toLayer !== 'model' && toLayer !== 'config') {
    return 'the core imports something outside agent/core and config/';
  }
  if (fromLayer !== toLayer && !MAY_IMPORT[fromLayer].includes(toLayer)) {
    return `the ${fromLayer} layer may not import the ${toLayer} layer (allowed: ${MAY_IMPORT[fromLayer].join(', ') || 'nothing'})`;
  }
  return null;
}

/** Every relative import of every source file under root. */
export function readImportGraph(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    const from = toPosix(relative(root, file));
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      edges.push({ from, to: posix.normalize(posix.join(posix.dirname(from), fileName)) });
    }
  }
  return edges;
}

export function checkImports(root: string): Violation[] {
  return readImportGraph(root).flatMap((edge) => {
    const rule = brokenRule(edge);
    return rule ? [{ ...edge, rule }] : [];
  });
}

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a root without this folder
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (SOURCE_FILE.test(e.name)) out.push(path);
    }
  };
  for (const r of SOURCE_ROOTS) walk(join(root, r));
  return out.sort();
}

const toPosix = (p: string) => p.split(sep).join('/');
