// Worker-thread entry for the expensive quality checks. Plain JavaScript because a worker starts
// without the parent's loader hooks: it registers tsx itself (as bin/faultline.js does), then
// loads the TypeScript worker module, so running from source needs no build step. In the compiled
// build (npm run build), tsc writes check-worker.ts to this name and this file is not used.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
