import { defineConfig } from 'vitest/config';

// The unit suite. Time limits are generous because the suite also runs on busy 2-core machines:
// a limit guards against a hang, it is not a speed assertion (speed lives in bench/).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
