/**
 * The kernel tests (npm run test:kernel): notebooks in test/jupyter/notebooks/ executed by real
 * nbconvert on this repository's tslab kernel. Kept out of `npm test` (files end in .e2e.ts). Needs
 * `npm run setup:python`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/jupyter/**/*.e2e.ts'],
    testTimeout: 5 * 60 * 1000,
    hookTimeout: 60 * 1000,
    fileParallelism: false,
  },
});
