import { defineConfig } from 'vitest/config';

/** The whole suite runs twice: on SQLite, the embedded default, and on PostgreSQL, with the same tests and expectations. */
const onEachDatabase = (['sqlite', 'postgres'] as const).map((dialect) => ({
  extends: true as const,
  test: {
    name: dialect,
    env: { PORTAL_TEST_DIALECT: dialect },
    // The PostgreSQL run starts a throw-away cluster of its own (or uses PORTAL_TEST_POSTGRES_URL).
    globalSetup: dialect === 'postgres' ? ['tests/support/postgres-cluster.ts'] : [],
  },
}));

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    // Two files at a time even on two cores (vitest's default there is one): a test spends most
    // of its time waiting on processes of its own (the served portal, Chromium, PostgreSQL).
    maxWorkers: 2,
    hookTimeout: 120_000,
    // Kysely's FileMigrationProvider imports the .ts migrations; inlined, its import goes through Vite.
    server: { deps: { inline: ['kysely'] } },
    projects: onEachDatabase,
  },
});
