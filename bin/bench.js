#!/usr/bin/env node
// `npm run bench`: runs the TypeScript benchmark through tsx (see test/bench/receive-path.ts).
import { register } from 'tsx/esm/api';

register();
await import('../test/bench/receive-path.ts');
