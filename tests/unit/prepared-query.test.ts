import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { preparedQuery } from '../../src/lib/db/prepared.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertOrganisation } from '../support/registry-fixtures.ts';

let test: TestDatabase;
let ground: { bodyId: number; schemeId: number };

beforeAll(async () => {
  test = await createTestDatabase();
  ground = await insertBodyAndScheme(test.db);
  const west = await insertOrganisation(test.db, '杭州西湖售后服务有限公司', '91330100MA5000001X');
  const south = await insertOrganisation(test.db, '宁波甬江物业服务有限公司', '91330100MA5000002X');
  await insertCertificate(test.db, ground, { number: 'PQ-0001', organisationId: west });
  await insertCertificate(test.db, ground, { number: 'PQ-0002', organisationId: south });
});
afterAll(() => test.remove());

const holderOfNumber = preparedQuery((db: PortalDb, number: string) =>
  db
    .selectFrom('certificate')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .select(['certificate.number', 'organisation.name as holderName'])
    .where('certificate.number', '=', number)
    .where('certificate.status', '!=', 'withdrawn'),
);

describe('a prepared query (compiled once, run with new values)', () => {
  it('answers each run with its own values, as the same query built anew would', async () => {
    const first = await holderOfNumber(test.db, 'PQ-0001');
    const second = await holderOfNumber(test.db, 'PQ-0002');
    const none = await holderOfNumber(test.db, 'PQ-9999');
    expect(first.rows).toEqual([{ number: 'PQ-0001', holderName: '杭州西湖售后服务有限公司' }]);
    expect(second.rows).toEqual([{ number: 'PQ-0002', holderName: '宁波甬江物业服务有限公司' }]);
    expect(none.rows).toEqual([]);
  });

  it('refuses a value that does not reach the query as a bound parameter', async () => {
    const spliced = preparedQuery((db: PortalDb, number: string) =>
      db
        .selectFrom('certificate')
        .select('number')
        .where(sql<boolean>`number = ${sql.lit(number)}`),
    );
    const changed = preparedQuery((db: PortalDb, number: string) =>
      db.selectFrom('certificate').select('number').where('number', 'like', `${number}%`),
    );
    await expect(spliced(test.db, 'PQ-0001')).rejects.toThrow(/value 0 is not a bound parameter/);
    await expect(changed(test.db, 'PQ')).rejects.toThrow(/a value was changed while the query was built/);
  });
});
