import type { PortalDb } from '../../src/lib/db/database.ts';
import type { Comment } from '../../src/lib/db/notice.table.ts';
import { usccCheckCharacter } from '../../src/lib/ground/organisations/uscc.ts';
import { insertNotice, insertOrganisation, type NoticeFixture } from './registry-fixtures.ts';

const RECORDED = '2026-01-01T00:00:00.000Z';

/** A valid USCC (check character included) whose serial part is `serial` (nine characters). */
export function testUscc(serial: string): string {
  const first17 = `91330100${serial}`;
  return first17 + usccCheckCharacter(first17);
}

/** A further scheme. Notices propose five-star by default, so every scheme here has that level. */
export async function insertScheme(db: PortalDb, code: string, name: string): Promise<number> {
  const scheme = await db
    .insertInto('scheme')
    .values({ code, name, nameEn: code, basis: `${name}规则`, description: null, updatedAt: RECORDED })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('schemeLevel').values({ schemeId: scheme.id, code: 'five-star', name: '五星', minScore: null, rank: 1 }).execute();
  return scheme.id;
}

/** An applicant in `province` (insertOrganisation places everyone in Zhejiang). */
export async function insertApplicant(db: PortalDb, name: string, serial: string, province = '浙江省'): Promise<number> {
  const id = await insertOrganisation(db, name, testUscc(serial));
  await db.updateTable('organisation').set({ province }).where('id', '=', id).execute();
  return id;
}

export interface ListedNoticeFixture extends NoticeFixture {
  reference: string;
  /** Another scheme than the ground's (insertScheme). */
  schemeId?: number;
}

/** A notice of any kind and scheme; the rest as insertNotice makes it. */
export async function insertListedNotice(db: PortalDb, ground: { bodyId: number; schemeId: number }, fixture: ListedNoticeFixture): Promise<number> {
  return insertNotice(db, { bodyId: ground.bodyId, schemeId: fixture.schemeId ?? ground.schemeId }, fixture);
}

/**
 * `count` closed notices like the first notice of the database, named `reference(i)`, their
 * windows five minutes long and starting a minute apart back from `latestStart`: enough for
 * a list longer than its limit, written in one statement per 500.
 */
export async function insertClosedNotices(db: PortalDb, count: number, reference: (i: number) => string, latestStart: string): Promise<void> {
  const { id: _, province: __, ...template } = await db.selectFrom('notice').selectAll().orderBy('id').executeTakeFirstOrThrow();
  const minute = 60_000;
  const rows = Array.from({ length: count }, (_, i) => {
    const start = Date.parse(latestStart) - i * minute;
    return {
      ...template,
      reference: reference(i),
      windowStart: new Date(start).toISOString(),
      windowEnd: new Date(start + 5 * minute).toISOString(),
    };
  });
  await db.transaction().execute(async (trx) => {
    for (let first = 0; first < rows.length; first += 500)
      await trx
        .insertInto('notice')
        .values(rows.slice(first, first + 500))
        .execute();
  });
}

let commentSerial = 0;

export type CommentFixture = Partial<Omit<Comment, 'id' | 'noticeId'>> & { text: string };

/** A comment on `noticeId`, unpublished and carrying made-up personal data unless told otherwise (a tracking number of its own too). */
export async function insertComment(db: PortalDb, noticeId: number, fixture: CommentFixture): Promise<void> {
  commentSerial += 1;
  await db
    .insertInto('comment')
    .values({
      noticeId,
      trackingNumber: `TEST-COMMENT-${commentSerial}`,
      idempotencyKey: `test-comment-${commentSerial}`,
      kind: 'opinion',
      submitterName: '测试提交人',
      submitterContact: 'submitter@example.cn',
      submitterOrganisation: null,
      status: 'received',
      reply: null,
      published: 0,
      receivedAt: RECORDED,
      updatedAt: RECORDED,
      ...fixture,
    })
    .execute();
}
