import { configDefaults, defineConfig } from 'vitest/config';

// Three projects, chosen by a test file's name, which says what the test needs:
//   *.test.ts      unit         one module or component in process: nothing but Node and npm
//                               packages, no database (`npm run test:unit`)
//   *.int.test.ts  integration  the parts together: a real PostgreSQL (the global setup gives the
//                               server in DATABASE_URL, else starts the bundled one; tests never
//                               skip), the agent as its own process, or whole scenarios replayed
//   *.e2e.test.ts  e2e          tools beyond npm: a real Prometheus and Alertmanager, kubectl, the
//                               compiled build, or the agent under a load that needs the machine
//                               to itself (PostgreSQL as above) (`npm run test:e2e` installs them first)
// `npm test` runs unit and integration; CI (.ci/run) runs e2e after it.
const INTEGRATION = 'test/**/*.int.test.ts';
const E2E = 'test/**/*.e2e.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    // Unit and integration files run in worker threads, two at a time (most integration files wait on
    // agents and PostgreSQL, not the CPU); e2e files in forks, one at a time, as they load the
    // machine or time what they measure. vitest 3 keeps one pool per kind for the whole run, so the
    // kind is what sets a project's concurrency; groupOrder runs unit, integration, then e2e.
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 }, forks: { maxForks: 1, minForks: 1 } },
    allowOnly: false,
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          pool: 'threads',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, INTEGRATION, E2E],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          pool: 'threads',
          // A worker thread that forked and SIGKILLed children can spin for ever in its teardown
          // (node's CleanupHandles; 'Failed to terminate worker', then npm test never exits): this
          // file runs in a child process instead, which the pool can always end. (poolMatchGlobs is
          // deprecated in vitest 3 and gone in 4: a project of its own then, run by npm test.)
          poolMatchGlobs: [['test/exporters/postgres/spill-model-crash.int.test.ts', 'forks']],
          include: [INTEGRATION],
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [E2E],
          sequence: { groupOrder: 2 },
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
