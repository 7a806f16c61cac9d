#!/usr/bin/env node
// `npm run soak -- --minutes N`: the long-fault soak (test/soak/soak.ts); --help says what it does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../test/soak/soak.ts');
const code = await main(process.argv.slice(2));
// A dev tool, not the agent: once the verdict is out, nothing it started may keep it alive.
process.exit(code);
