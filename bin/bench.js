#!/usr/bin/env node
// `npm run bench [name...]`: runs the TypeScript benchmarks through tsx, each in turn, or only the
// named ones. A benchmark is a module under test/bench/ that prints its figures and targets when
// imported; add one by adding a line to BENCHES.
import { register } from 'tsx/esm/api';

const BENCHES = {
  'receive-path': '../test/bench/receive-path.ts',
  'api-queries': '../test/bench/api-queries.ts',
  'full-chain': '../test/bench/full-chain.ts',
  'full-chain-load': '../test/bench/full-chain-load.ts',
  detectors: '../test/bench/detectors.ts',
  'postgres-export': '../test/bench/postgres-export.ts',
  'prometheus-exporter': '../test/bench/prometheus-exporter.ts',
  'cost-data': '../test/bench/cost-data-detectors.ts',
  incidents: '../test/bench/incidents.ts',
  partitions: '../test/bench/partitions.ts',
  'storable-text': '../test/bench/storable-text.ts',
  baselines: '../test/bench/baselines.ts',
  impact: '../test/bench/impact.ts',
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark ${unknown.join(', ')}; choose from: ${Object.keys(BENCHES).join(', ')}.\n`);
  process.exit(2);
}
register();
for (const [name, path] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n=== bench ${name} ===\n`);
  await import(path);
}
