import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: the end-to-end tests that need tools beyond npm (a real Prometheus, which
// .ci/ensure-prometheus.sh installs first). `npm test` leaves these files out; CI runs both.
export default defineConfig({
  test: {
    include: ['test/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    allowOnly: false,
    passWithNoTests: false,
  },
});
