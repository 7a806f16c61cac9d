// The compiled agent's entry point (dist/agent/entry.js, what the container image runs); from
// source, bin/faultline.js does the same through tsx.
import { main } from './main.ts';

await main(process.argv.slice(2));
