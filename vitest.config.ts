import { defineConfig } from 'vitest/config';

// One suite: `npm test` runs everything. The global setup starts the bundled PostgreSQL when
// DATABASE_URL is unset, so integration tests always have a real database (they never skip).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    allowOnly: false,
    passWithNoTests: false,
  },
});
