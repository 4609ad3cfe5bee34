import { sql } from 'kysely';
import type { PortalDb } from '../../db/database.ts';

/**
 * Moves certificate_filter_tally's day forward to `today` (Beijing): the valid and suspended
 * certificates that lapsed since its day move from 'current' to 'past', so that a request
 * counts at most the lapses between that day and its own (a day's, when this runs daily)
 * from the index certificate_lapsing. Idempotent, and one at a time whoever runs it: it takes
 * the day's row first (on PostgreSQL the writers' triggers hold it shared until they commit;
 * on SQLite it is the write lock). The counts a request gives are right whether it ran or not.
 */
export async function moveCertificateTallyForward(db: PortalDb, today: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('certificateFilterTallySince')
      .set((eb) => ({ lapsedBefore: eb.ref('lapsedBefore') }))
      .execute();
    const { lapsedBefore } = await trx.selectFrom('certificateFilterTallySince').select('lapsedBefore').executeTakeFirstOrThrow();
    if (lapsedBefore >= today) return;
    const lapsed = await trx
      .selectFrom('certificate')
      .select(['bodyId', 'schemeId', 'province', 'status', (eb) => eb.fn.countAll<number>().as('certificates')])
      .where('expiresOn', '>=', lapsedBefore)
      .where('expiresOn', '<', today)
      .where('status', 'in', ['valid', 'suspended'])
      .where('province', 'is not', null)
      .groupBy(['bodyId', 'schemeId', 'province', 'status'])
      .execute();
    for (const group of lapsed) {
      const key = sql`body_id = ${group.bodyId} and scheme_id = ${group.schemeId} and province = ${group.province} and status = ${group.status}`;
      const certificates = Number(group.certificates);
      await sql`update certificate_filter_tally set certificates = certificates - ${certificates} where ${key} and lapse = 'current'`.execute(trx);
      await sql`insert into certificate_filter_tally (body_id, scheme_id, province, status, lapse, certificates)
        values (${group.bodyId}, ${group.schemeId}, ${group.province}, ${group.status}, 'past', 0)
        on conflict (body_id, scheme_id, province, status, lapse) do nothing`.execute(trx);
      await sql`update certificate_filter_tally set certificates = certificates + ${certificates} where ${key} and lapse = 'past'`.execute(trx);
    }
    await trx.updateTable('certificateFilterTallySince').set({ lapsedBefore: today }).execute();
  });
}
