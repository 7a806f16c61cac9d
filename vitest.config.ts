import { configDefaults, defineConfig } from 'vitest/config';

// `npm test` runs every suite but the *.e2e.test.ts files (see below). The global setup starts the bundled PostgreSQL when
// DATABASE_URL is unset, so integration tests always have a real database (they never skip).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // *.e2e.test.ts need a real Prometheus: `npm run test:e2e` (vitest.e2e.config.ts) installs and runs them.
    exclude: [...configDefaults.exclude, 'test/**/*.e2e.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    allowOnly: false,
    passWithNoTests: false,
  },
});
