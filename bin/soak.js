#!/usr/bin/env node
// `npm run soak -- --minutes N`: the long-fault soak (test/soak/soak.ts); --help says what it does.
// The harness lives with the tests, outside the source layers, so it is named by path at run time
// as bin/bench.js names its benchmarks.
import { register } from 'tsx/esm/api';

const SOAK = '../test/soak/soak.ts';

register();
const { main } = await import(SOAK);
const code = await main(process.argv.slice(2));
// A dev tool, not the agent: once the verdict is out, nothing it started may keep it alive.
process.exit(code);
