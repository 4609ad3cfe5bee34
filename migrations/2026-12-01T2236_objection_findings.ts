import { sql, type Kysely } from 'kysely';

/**
 * What the body found when it re-checked an objection (异议处理结果): upheld (异议成立) or not
 * upheld (异议不成立). The status says how far the handling went (answered, not accepted);
 * the finding says what it concluded, which a decided notice publishes as a count. Only an
 * objection has one; NULL while none is recorded. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('comment')
    .addColumn('finding', 'text', (column) => column.check(sql`finding is null or (kind = 'objection' and finding in ('upheld', 'not_upheld'))`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comment').dropColumn('finding').execute();
}
