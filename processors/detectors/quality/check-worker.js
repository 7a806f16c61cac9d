// Worker-thread entry for the expensive quality checks. Plain JavaScript because a worker starts
// without the parent's loader hooks: it registers tsx itself (as bin/faultline.js does), then
// loads the TypeScript worker module, so there is still no build step.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
