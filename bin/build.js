#!/usr/bin/env node
// `npm run build [-- --out DIR]`: compiles the agent to dist/ (or DIR) and copies beside it the
// files the compiled code reads relative to itself (package.json for the version and "type":
// "module", the migrations, the built-in scenarios), so `node dist/agent/entry.js run …` works
// with dist/ and a node_modules beside it. A fresh output every time, so a deleted source leaves
// no stale module behind.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'dist') } } });
const out = resolve(values.out);
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
for (const asset of ['package.json', 'migrations', 'agent/tools/simulate/scenarios']) {
  cpSync(join(root, asset), join(out, asset), { recursive: true });
}
