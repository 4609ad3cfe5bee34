import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Kysely's FileMigrationProvider imports the .ts migrations; inlined, its import goes through Vite.
    server: { deps: { inline: ['kysely'] } },
  },
});
