import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let test: TestDatabase;
beforeAll(async () => (test = await createTestDatabase()));
afterAll(() => test.remove());

const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(test.db)).rows[0] as object)[0];

describe('the database connection', () => {
  it('runs in WAL mode, so the back office can write while the portal reads', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
  });

  it('syncs every commit (synchronous = FULL), so an acknowledged comment survives a crash', async () => {
    expect(await pragma('synchronous')).toBe(2);
  });

  it('enforces foreign keys and waits for a busy writer', async () => {
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await expect(
      test.db.insertInto('certificateEvent').values({ certificateId: 424242, kind: 'issued', occurredAt: '2026-01-01T00:00:00.000Z', description: 'x', levelCode: null, expiresOn: null, scope: null }).execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });
});
