#!/usr/bin/env node
// `npm run build`: compiles the agent to dist/ and copies beside it the files the compiled code
// reads relative to itself (package.json for the version and "type": "module", the migrations,
// the built-in scenarios), so `node dist/agent/entry.js run …` works from dist/ alone plus
// node_modules. A fresh dist/ every time, so a deleted source leaves no stale module behind.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const asset of ['package.json', 'migrations', 'agent/tools/simulate/scenarios']) {
  cpSync(join(root, asset), join(dist, asset), { recursive: true });
}
