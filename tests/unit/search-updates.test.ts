import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { exportRecords } from '../../src/lib/back-office/import/export.ts';
import { importFiles } from '../../src/lib/back-office/import/import.ts';
import { NoticeIndexer } from '../../src/lib/domain/search/indexer.ts';
import { searchNoticeIndex } from '../../src/lib/domain/search/notice-index.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { textSource } from '../support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertSearchableNotice, reviseNotice, SEARCH_CORPUS } from '../support/search-fixtures.ts';

let test: TestDatabase;
/** Another connection, as the back office's tools and the import have. */
let writer: PortalDb;
let indexer: NoticeIndexer;
let ground: { bodyId: number; schemeId: number };
const idOf = new Map<string, number>();

const find = (query: string) => searchNoticeIndex(indexer.index, query, {}, 1, new Date()).hits.map((hit) => hit.id);
const partSeqs = () => indexer.index.parts.map(({ part }) => part.seq);

beforeAll(async () => {
  test = await createTestDatabase();
  writer = test.connect();
  await seedDemoData(test.db, { certificates: 400, notices: 500, seed: 5, now: new Date() });
  const body = await test.db.selectFrom('certificationBody').select('id').orderBy('id').executeTakeFirstOrThrow();
  const scheme = await test.db.selectFrom('scheme').select('id').where('code', '=', 'after-sales').executeTakeFirstOrThrow();
  ground = { bodyId: body.id, schemeId: scheme.id };
  for (const notice of SEARCH_CORPUS.slice(0, 4)) idOf.set(notice.reference, await insertSearchableNotice(test.db, ground, notice));
  indexer = new NoticeIndexer({ db: test.db, firstBuildPartSize: 200 });
  await indexer.open();
  // Whatever was written just before the build is looked at once more (the margin for late commits).
  await indexer.catchUp();
});
afterAll(async () => {
  await writer.destroy();
  await test.remove();
});

describe('the indexer follows the database, whoever writes it', () => {
  it('indexes a notice written after the first build, reading only that notice', async () => {
    const id = await insertSearchableNotice(writer, ground, SEARCH_CORPUS[4]!);
    expect(find('浦江冷链')).toEqual([]);
    expect(await indexer.catchUp()).toEqual({ examined: 1, reindexed: 1, retired: 0 });
    expect(find('浦江冷链')).toEqual([id]);
  });

  it('indexes again a notice whose text changed, and only it; its old text no longer finds it', async () => {
    const id = idOf.get('GS-QA-0003')!;
    expect(find('菜品出品稳定')).toEqual([id]);
    await reviseNotice(writer, id, { evaluationSummary: '餐厅后厨明厨亮灶改造完成，食材溯源记录齐全。' });
    expect(await indexer.catchUp()).toEqual({ examined: 1, reindexed: 1, retired: 0 });
    expect(find('明厨亮灶')).toEqual([id]);
    expect(find('菜品出品稳定')).toEqual([]);
  });

  it("rebuilds nothing when no notice's indexed text changes: an organisation's address", async () => {
    const before = partSeqs();
    const holder = await test.db.selectFrom('notice').select('organisationId').where('id', '=', idOf.get('GS-QA-0001')!).executeTakeFirstOrThrow();
    await writer
      .updateTable('organisation')
      .set({ address: '浙江省杭州市西湖区文三路 500 号', updatedAt: new Date().toISOString() })
      .where('id', '=', holder.organisationId)
      .execute();
    expect(await indexer.catchUp()).toEqual({ examined: 1, reindexed: 0, retired: 0 });
    expect(partSeqs()).toEqual(before);
  });

  it('rebuilds nothing for an import of certificates and their holders that changes no indexed text', async () => {
    const before = partSeqs();
    const organisations = (await exportRecords(test.db, 'organisations')).map(
      (record): Record<string, unknown> => ({ ...record, address: `${String(record.address)}（新址）` }),
    );
    const certificates = (await exportRecords(test.db, 'certificates')).map((record) => ({
      ...record,
      status: record.status === 'valid' ? 'suspended' : record.status,
    }));
    const outcomes = await importFiles(
      writer,
      [textSource('organisations.json', JSON.stringify(organisations)), textSource('certificates.json', JSON.stringify(certificates))],
      { dryRun: false, now: new Date() },
    );
    const changed = outcomes.map((outcome) => (outcome.result === 'imported' ? outcome.counts.changed : JSON.stringify(outcome)));
    expect(changed).toEqual([organisations.length, expect.any(Number)]);
    const caughtUp = await indexer.catchUp();
    // Every holder's notices (every notice) were read again and digested; none had changed.
    expect(caughtUp.examined).toBe(indexer.index.liveNotices);
    expect(caughtUp.reindexed).toBe(0);
    expect(partSeqs()).toEqual(before);
  });

  it('indexes again the notices of a renamed organisation', async () => {
    const id = idOf.get('GS-QA-0002')!;
    const { organisationId } = await test.db.selectFrom('notice').select('organisationId').where('id', '=', id).executeTakeFirstOrThrow();
    await writer
      .updateTable('organisation')
      .set({ name: '宁波三江口物业管理有限公司', updatedAt: new Date().toISOString() })
      .where('id', '=', organisationId)
      .execute();
    expect(await indexer.catchUp()).toMatchObject({ reindexed: 1 });
    expect(find('三江口物业')).toEqual([id]);
    expect(find('甬江物业')).toEqual([]);
  });

  it('indexes again the notices of a renamed scheme, and of a renamed level', async () => {
    const scheme = await test.db.selectFrom('scheme').select(['id']).where('code', '=', 'restaurant').executeTakeFirstOrThrow();
    const ofScheme = await test.db.selectFrom('notice').select('id').where('schemeId', '=', scheme.id).execute();
    await writer.updateTable('scheme').set({ name: '餐厅堂食服务认证', updatedAt: new Date().toISOString() }).where('id', '=', scheme.id).execute();
    expect(await indexer.catchUp()).toMatchObject({ examined: ofScheme.length, reindexed: ofScheme.length });
    expect(searchNoticeIndex(indexer.index, '餐厅堂食服务认证', {}, 1, new Date()).total).toBe(ofScheme.length);

    // Scheme levels have no updated_at: the indexer compares the small table whole.
    const ofLevel = await test.db
      .selectFrom('notice')
      .select('id')
      .where('schemeId', '=', ground.schemeId)
      .where('proposedLevelCode', '=', 'five-star')
      .execute();
    await writer.updateTable('schemeLevel').set({ name: '五星级' }).where('schemeId', '=', ground.schemeId).where('code', '=', 'five-star').execute();
    expect(await indexer.catchUp()).toMatchObject({ examined: ofLevel.length, reindexed: ofLevel.length });
    expect(searchNoticeIndex(indexer.index, '五星级', {}, 1, new Date()).total).toBe(ofLevel.length);
  });

  it('takes out a deleted notice', async () => {
    const id = idOf.get('GS-QA-0004')!;
    expect(find('BrightHome')).toEqual([id]);
    await writer.deleteFrom('notice').where('id', '=', id).execute();
    expect(await indexer.catchUp()).toEqual({ examined: 0, reindexed: 0, retired: 1 });
    expect(find('BrightHome')).toEqual([]);
  });

  it('finds a commit stamped before the newest change it has already seen', async () => {
    const early = new Date(Date.now() - 60_000).toISOString();
    await reviseNotice(writer, idOf.get('GS-QA-0001')!, { scope: '家用电器的安装、维修、以旧换新及退换货服务' });
    await indexer.catchUp();
    // A transaction that stamped its rows a minute ago commits only now.
    const id = idOf.get('GS-QA-0003')!;
    await writer.updateTable('notice').set({ scope: '中式正餐的堂食及宴会服务', updatedAt: early }).where('id', '=', id).execute();
    expect(await indexer.catchUp()).toMatchObject({ reindexed: 1 });
    expect(find('宴会服务')).toEqual([id]);
  });

  it('holds every notice of the database exactly once after all of it, and after the merges it leads to', async () => {
    const ids = (await test.db.selectFrom('notice').select('id').orderBy('id').execute()).map((row) => row.id);
    expect(Array.from(indexer.index.liveIds())).toEqual(ids);
    expect(await indexer.catchUp()).toEqual({ examined: 0, reindexed: 0, retired: 0 });
    const before = searchNoticeIndex(indexer.index, '服务', {}, 1, new Date());
    const merges = [];
    for (let merge = await indexer.mergeWhenDue(); merge; merge = await indexer.mergeWhenDue()) merges.push(merge);
    expect(merges.length).toBeGreaterThan(0);
    // Parts whose notices were replaced are rewritten, or gone when none was left.
    expect(indexer.index.parts.every(({ part, liveCount }) => liveCount > 0 && part.documents - liveCount <= part.documents / 4)).toBe(true);
    expect(Array.from(indexer.index.liveIds())).toEqual(ids);
    expect(searchNoticeIndex(indexer.index, '服务', {}, 1, new Date())).toEqual(before);
  });
});
