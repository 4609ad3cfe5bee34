import { CompiledQuery, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateCountsOfBody, schemesOfBody } from '../../src/lib/bodies/repository.ts';
import { lookupCertificates } from '../../src/lib/certificates/lookup.ts';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { newestDecisions, newestNotices, newestWithdrawals } from '../../src/lib/notices/repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme } from '../support/registry-fixtures.ts';

/**
 * The queries of the body pages and the feeds that tell everything are served by an index
 * (migration T0410): SQLite's plan for each reads the certificate and notice tables through
 * an index, never whole, and sorts nothing that the index gives in order.
 */
const NOW = new Date('2026-11-26T04:00:00.000Z');
let test: TestDatabase;
let bodyId: number;

beforeAll(async () => {
  test = await createTestDatabase();
  ({ bodyId } = await insertBodyAndScheme(test.db));
});
afterAll(() => test.remove());

/** Every statement `work` sends, with SQLite's plan for it. */
async function plansOf(work: (db: PortalDb) => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  const statements: CompiledQuery[] = [];
  const capture: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      statements.push(test.db.getExecutor().compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  await work(test.db.withPlugin(capture));
  return Promise.all(
    statements.map(async (statement) => {
      const { rows } = await test.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]));
      return { sql: statement.sql, plan: rows.map((row) => row.detail) };
    }),
  );
}

function expectIndexed(plans: { sql: string; plan: string[] }[]): void {
  expect(plans.length).toBeGreaterThan(0);
  for (const { sql, plan } of plans) {
    for (const step of plan) {
      expect(step, sql).not.toMatch(/^SCAN (certificate|notice)\b(?! USING)/);
      expect(step, sql).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
  }
}

describe('query plans', () => {
  it('a body: certificates counted by status, its schemes, its certificates by number', async () => {
    expectIndexed(await plansOf((db) => certificateCountsOfBody(db, bodyId, '2026-11-26')));
    expectIndexed(await plansOf((db) => schemesOfBody(db, bodyId)));
    const listing = await plansOf((db) => lookupCertificates(db, '', 1, '2026-11-26', { body: 'TCB' }));
    expectIndexed(listing);
    expect(listing.flatMap(({ plan }) => plan).some((step) => step.includes('certificate_body_number'))).toBe(true);
  });

  it('the feeds: withdrawals by time, a body’s notices and decisions in order', async () => {
    const withdrawals = await plansOf((db) => newestWithdrawals(db, {}, NOW, 50));
    expectIndexed(withdrawals);
    expect(withdrawals[0]!.plan.join(' ')).toContain('notice_withdrawn');
    const notices = await plansOf((db) => newestNotices(db, { body: 'TCB' }, NOW, 50));
    expectIndexed(notices);
    expect(notices[0]!.plan.join(' ')).toContain('notice_body_published');
    const decisions = await plansOf((db) => newestDecisions(db, NOW, 50, { body: 'TCB' }));
    expectIndexed(decisions);
    expect(decisions[0]!.plan.join(' ')).toContain('notice_body_decided');
  });
});
