#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `faultline` works after `npm install`
// with no build step (`npm run build` compiles dist/agent/entry.js for the container image).
// All behaviour lives in agent/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../agent/main.ts');
await main(process.argv.slice(2));
