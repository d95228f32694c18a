/**
 * The assignment-mode test (npm run test:assignment): makes the student version, runs its notebook
 * through nbconvert, grades the solved, fresh and one-file-restored versions and packs
 * submissions. Kept out of `npm test` and the per-backend runs (its file ends in .slow.ts, not
 * .test.ts): it takes a few minutes and does not depend on the compute backend.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/assignment/**/*.slow.ts'],
    testTimeout: 10 * 60 * 1000,
    hookTimeout: 5 * 60 * 1000,
    fileParallelism: false,
  },
});
