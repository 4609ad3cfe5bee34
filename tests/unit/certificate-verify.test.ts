import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VERIFY_NUMBERS, verifyCertificates } from '../../src/lib/domain/certificates/verify.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertOrganisation } from '../support/registry-fixtures.ts';

let test: TestDatabase;

beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const holder = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  await insertCertificate(test.db, ground, { number: 'TCB-SH-24-000001', organisationId: holder });
  await insertCertificate(test.db, ground, { number: 'TCB-SH-21-000002', organisationId: holder, expiresOn: '2024-02-29' });
  await insertCertificate(test.db, ground, { number: 'TCB-SH-23-000003', organisationId: holder, status: 'withdrawn' });
});
afterAll(() => test.remove());

describe('bulk verification', () => {
  it("answers every number in the order asked, found or not, with today's status", async () => {
    const results = await verifyCertificates(test.db, ['TCB-SH-23-000003', 'NOPE-1', 'TCB-SH-21-000002', 'TCB-SH-24-000001'], '2026-11-26');
    expect(results.map(({ number, found, status }) => ({ number, found, status }))).toEqual([
      { number: 'TCB-SH-23-000003', found: true, status: 'withdrawn' },
      { number: 'NOPE-1', found: false, status: null },
      { number: 'TCB-SH-21-000002', found: true, status: 'expired' },
      { number: 'TCB-SH-24-000001', found: true, status: 'valid' },
    ]);
  });

  it('matches numbers written with other dashes or case and says how the registry writes them', async () => {
    const [result] = await verifyCertificates(test.db, ['tcb sh 24—000001'], '2026-11-26');
    expect(result).toEqual({ number: 'tcb sh 24—000001', found: true, status: 'valid', registeredNumber: 'TCB-SH-24-000001' });
  });

  it(`verifies ${MAX_VERIFY_NUMBERS} numbers in one request, repeated ones included`, async () => {
    const numbers = Array.from({ length: MAX_VERIFY_NUMBERS }, (_, i) => (i % 2 ? 'TCB-SH-24-000001' : `MISSING-${i}`));
    const results = await verifyCertificates(test.db, numbers, '2026-11-26');
    expect(results).toHaveLength(MAX_VERIFY_NUMBERS);
    expect(results.filter((result) => result.found)).toHaveLength(MAX_VERIFY_NUMBERS / 2);
  });

  it(`refuses more than ${MAX_VERIFY_NUMBERS} numbers`, async () => {
    const numbers = Array.from({ length: MAX_VERIFY_NUMBERS + 1 }, (_, i) => `N-${i}`);
    await expect(verifyCertificates(test.db, numbers, '2026-11-26')).rejects.toMatchObject({ code: 'too_many_numbers', kind: 'too_large' });
  });
});
