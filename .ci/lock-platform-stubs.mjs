// The npm registry reachable here serves only some platforms' prebuilt binaries, so `npm install`
// cannot record the others (e.g. @rollup/rollup-darwin-arm64) in package-lock.json, and `npm ci`
// then refuses the lock as out of sync. This adds, for every optional dependency missing from the
// lock, an entry tagged with the os/cpu its name declares, which `npm ci` skips on this platform
// without fetching. Idempotent; run after any `npm install` that rewrote the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'netbsd', 'win32', 'openharmony', 'sunos', 'aix'];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [location, pkg] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os || !cpu || !/^\d+\.\d+\.\d+/.test(spec)) continue; // not a platform binary: leave it for npm to report
    const stub = { version: spec, cpu: [cpu], os: [os], optional: true };
    if (pkg.dev) stub.dev = true;
    const libc = parts.find((p) => p === 'gnu' || p === 'musl');
    if (libc) stub.libc = [libc === 'gnu' ? 'glibc' : 'musl'];
    packages[`node_modules/${name}`] = stub;
    added++;
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`${file}: ${added} platform stub${added === 1 ? '' : 's'} added`);
