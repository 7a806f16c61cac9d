#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `faultline` works after `npm install`
// with no build step. All behaviour lives in agent/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../agent/main.ts');
await main(process.argv.slice(2));
