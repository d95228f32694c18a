/**
 * The real-client notebook test (npm run test:browser): JupyterLab + Debian's Chromium. Kept out of
 * `npm test` (its files end in .e2e.ts, not .test.ts). Needs `npm run setup:python`, the dataset
 * (CIFAR10_DIR or data/cifar-10-batches-bin) and /usr/bin/chromium (apt-get install chromium).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.e2e.ts'],
    testTimeout: 25 * 60 * 1000,
    hookTimeout: 5 * 60 * 1000,
    fileParallelism: false,
  },
});
