// The layers hold on the real tree, and the same rules catch each kind of forbidden import in a
// fixture tree (test/fixtures/architecture/forbidden-imports).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImports, readImportGraph } from './import-rules.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/architecture/forbidden-imports', import.meta.url));

describe('the import graph', () => {
  it('keeps every layer rule on the source tree', () => {
    // Enough edges that an empty walk (a wrong root) cannot pass for a clean tree.
    expect(readImportGraph(repo).length).toBeGreaterThan(500);
    expect(checkImports(repo)).toEqual([]);
  });

  it('reports each forbidden import of the fixture tree, and only those', () => {
    const found = checkImports(fixture).map((v) => `${v.from} → ${v.to}: ${v.rule}`);
    expect(found).toEqual([
      "agent/api/routes.ts → processors/alpha/index.ts: only agent/registry.ts (the composition root's component list) may import a component folder (processors/alpha)",
      'agent/core/value.ts → agent/store/rows.ts: the core imports something outside agent/core and config/',
      'config/schema.ts → agent/core/value.ts: config/ imports agent/; configuration knows no agent code',
      "processors/alpha/index.ts → processors/beta/index.ts: a component imports another component's folder (processors/alpha → processors/beta); share through agent/core or a support layer",
    ]);
  });
});
