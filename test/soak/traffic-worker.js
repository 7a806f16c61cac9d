// Worker-thread entry for the soak's traffic generator (traffic-chunks.ts). Plain JavaScript
// because a worker starts without the parent's loader hooks: it registers tsx itself, as
// processors/detectors/quality/check-worker.js does.
import { register } from 'tsx/esm/api';

register();
await import('./traffic-chunks.ts');
