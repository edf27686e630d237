import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.mjs'],
    environment: 'node',
    globalSetup: ['scripts/test-setup.mjs'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests fork real workers; two cores are shared by them all.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
