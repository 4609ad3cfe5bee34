import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { NoticeIndexer } from '../../src/lib/domain/search/indexer.ts';
import { searchNoticeIndex } from '../../src/lib/domain/search/notice-index.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertSearchableNotice, reviseNotice, SEARCH_CORPUS, type SearchableNotice } from '../support/search-fixtures.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');

let test: TestDatabase;
/** Another connection writes the changes after the first build, as the back office would. */
let writer: PortalDb;
let indexer: NoticeIndexer;
const idOf = new Map<string, number>();

const OPEN = { windowStart: '2026-11-20T01:00:00.000Z', windowEnd: '2026-12-04T09:00:00.000Z' };

/** Notices published after the first build. */
const LATER_NOTICES: SearchableNotice[] = [
  {
    reference: 'GS-QA-0101',
    applicant: '厦门鹭岛海景酒店餐饮管理有限公司',
    serial: 'QA0000101',
    province: '福建省',
    scope: '海鲜主题中式正餐的堂食服务',
    summary: '包间服务响应及时，闽南菜品出品稳定，食品留样记录齐全。',
    address: '厦门市思明区环岛路 88 号',
    ...OPEN,
  },
  {
    reference: 'GS-QA-0102',
    applicant: '苏州姑苏园林物业服务有限公司',
    serial: 'QA0000102',
    province: '江苏省',
    scope: '古典园林景区的环境养护与游览安全服务',
    summary: '游客满意度调查覆盖 800 人次，古建筑防火巡查记录完整。',
    address: '苏州市姑苏区东北街 178 号',
    kind: 'surveillance',
    ...OPEN,
  },
  {
    reference: 'GS-QA-0103',
    applicant: 'Qingdao SeaBreeze Logistics Co., Ltd.（青岛海风冷链物流有限公司）',
    serial: 'QA0000103',
    province: '山东省',
    scope: '冷冻水产品批发及 cold-chain 仓储服务',
    summary: 'Temperature logs are complete; 冷库温控全程达标。',
    address: '青岛市黄岛区前湾港路 7 号',
    ...OPEN,
  },
];

/** Demo notices the back office changes after the first build, found by what they now say. */
const REVISED_SUMMARY = '评价组抽查了无障碍通道改造与适老化服务记录，回访率达到要求。';
const RENAMED_HOLDER = '重庆山城火锅餐饮有限公司';

beforeAll(async () => {
  test = await createTestDatabase();
  writer = test.connect();
  // Ordinary notices around the ones searched for, so ranking has something to beat.
  await seedDemoData(test.db, { certificates: 400, notices: 300, seed: 7, now: NOW });
  const body = await test.db.selectFrom('certificationBody').select('id').orderBy('id').executeTakeFirstOrThrow();
  const scheme = await test.db.selectFrom('scheme').select('id').where('code', '=', 'after-sales').executeTakeFirstOrThrow();
  const ground = { bodyId: body.id, schemeId: scheme.id };
  await test.db.insertInto('schemeLevel').values({ schemeId: scheme.id, code: 'five-star-qa', name: '五星', minScore: 95, rank: 9 }).execute();
  for (const notice of SEARCH_CORPUS) idOf.set(notice.reference, await insertSearchableNotice(test.db, ground, notice));
  indexer = new NoticeIndexer({ db: test.db, firstBuildPartSize: 100 });
  await indexer.open();

  // After the first build: new notices, revised ones, a renamed holder.
  for (const notice of LATER_NOTICES) idOf.set(notice.reference, await insertSearchableNotice(writer, ground, notice));
  await reviseNotice(writer, idOf.get('GS-QA-0006')!, {
    evaluationSummary: '冬季除雪预案经演练验证，新增老旧小区管网改造回访，报修平均响应时间 25 分钟。',
  });
  await reviseNotice(writer, idOf.get('GS-QA-0005')!, { scope: '冷链食品批发及城市配送、中央厨房净菜配送' });
  const revised = await test.db.selectFrom('notice').select('id').where('reference', 'like', 'GS-20%').orderBy('id').executeTakeFirst();
  // A holder of this one notice only: renamed, it is the one notice the new name finds.
  const renamed = await test.db
    .selectFrom('notice')
    .select(['id', 'organisationId'])
    .where('reference', 'like', 'GS-20%')
    .where('id', '!=', revised!.id)
    .where(({ eb, not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notice as other')
            .select('other.id')
            .whereRef('other.organisationId', '=', 'notice.organisationId')
            .where('other.id', '!=', eb.ref('notice.id')),
        ),
      ),
    )
    .orderBy('id')
    .executeTakeFirst();
  await reviseNotice(writer, revised!.id, { evaluationSummary: REVISED_SUMMARY });
  await writer
    .updateTable('organisation')
    .set({ name: RENAMED_HOLDER, updatedAt: new Date().toISOString() })
    .where('id', '=', renamed!.organisationId)
    .execute();
  idOf.set('revised demo notice', revised!.id);
  idOf.set('renamed holder', renamed!.id);
  const caughtUp = await indexer.catchUp();
  expect(caughtUp.reindexed).toBeGreaterThanOrEqual(LATER_NOTICES.length + 4);
});
afterAll(async () => {
  await writer.destroy();
  await test.remove();
});

/** [query, the notice expected first, what the query is like], over notices there at the first build. */
const QUERIES: [string, string, string][] = [
  ['西子', 'GS-QA-0001', 'two characters of a name'],
  ['西子湖畔', 'GS-QA-0001', 'four characters of a name'],
  ['湖畔家电', 'GS-QA-0001', 'characters across two words of a name'],
  ['杭州西子湖畔家电售后服务有限公司', 'GS-QA-0001', 'the whole name'],
  ['91330100799655058B', 'GS-QA-0001', 'a USCC'],
  ['91330100799655058b', 'GS-QA-0001', 'a USCC in lower case'],
  ['退换货', 'GS-QA-0001', 'a scope phrase'],
  ['安装、维修及退换货', 'GS-QA-0001', 'a scope phrase with punctuation'],
  ['文三路', 'GS-QA-0001', 'a street of the address'],
  ['甬江', 'GS-QA-0002', 'two characters of a name'],
  ['甬江物业', 'GS-QA-0002', 'a name with its trade'],
  ['业主满意度', 'GS-QA-0002', 'a summary phrase'],
  ['秩序维护 保洁绿化', 'GS-QA-0002', 'two scope phrases'],
  ['锦里', 'GS-QA-0003', 'two characters of a name'],
  ['川味餐饮', 'GS-QA-0003', 'the end of a trade name'],
  ['堂食服务', 'GS-QA-0003', 'a scope phrase'],
  ['菜品出品稳定', 'GS-QA-0003', 'a summary phrase'],
  ['BrightHome', 'GS-QA-0004', 'a Latin name'],
  ['brighthome 家电', 'GS-QA-0004', 'mixed Latin and Chinese'],
  ['ＢｒｉｇｈｔＨｏｍｅ', 'GS-QA-0004', 'full-width Latin letters'],
  ['after-sales 远程诊断', 'GS-QA-0004', 'a hyphenated word with Chinese'],
  ['明家电器', 'GS-QA-0004', 'the Chinese name in brackets'],
  ['浦江冷链', 'GS-QA-0005', 'four characters of a name'],
  ['冷链食品批发', 'GS-QA-0005', 'a scope phrase'],
  ['TCB-PF-24-000777', 'GS-QA-0005', 'the certificate number the decision issued'],
  ['tcb pf 24 000777', 'GS-QA-0005', 'that number with spaces'],
  ['TCBPF24000777', 'GS-QA-0005', 'that number without dashes'],
  ['GS-QA-0005', 'GS-QA-0005', 'the notice reference'],
  ['航都路', 'GS-QA-0005', 'a street of the address'],
  ['冬季除雪', 'GS-QA-0006', 'a summary phrase'],
  ['冰城暖居', 'GS-QA-0006', 'a trade name'],
  ['西子:湖畔*', 'GS-QA-0001', "lunr's field and wildcard characters"],
  ['~甬江^', 'GS-QA-0002', "lunr's fuzzy and boost characters"],
  ['+锦里 -川味', 'GS-QA-0003', "lunr's presence characters"],
  ['"浦江冷链', 'GS-QA-0005', 'an unbalanced quote'],
];

/** The same, over notices written or changed after the first build: found from the live parts. */
const QUERIES_AFTER_CHANGES: [string, string, string][] = [
  ['鹭岛', 'GS-QA-0101', 'two characters of a new notice’s name'],
  ['海景酒店', 'GS-QA-0101', 'four characters of a new notice’s name'],
  ['闽南菜品', 'GS-QA-0101', 'a new notice’s summary phrase'],
  ['环岛路', 'GS-QA-0101', 'a new notice’s street'],
  ['姑苏园林', 'GS-QA-0102', 'a new notice’s trade name'],
  ['古建筑防火', 'GS-QA-0102', 'a new notice’s summary phrase'],
  ['游客满意度', 'GS-QA-0102', 'a new notice’s summary phrase, beside the older 业主满意度'],
  ['GS-QA-0102', 'GS-QA-0102', 'a new notice’s reference'],
  ['SeaBreeze', 'GS-QA-0103', 'a new notice’s Latin name'],
  ['海风冷链', 'GS-QA-0103', 'a new notice’s Chinese name, beside the older 浦江冷链'],
  ['管网改造回访', 'GS-QA-0006', 'a phrase a revised summary added'],
  ['中央厨房净菜', 'GS-QA-0005', 'a phrase a revised scope added'],
  ['适老化服务', 'revised demo notice', 'a demo notice’s revised summary'],
  ['无障碍通道', 'revised demo notice', 'another phrase of it'],
  ['山城火锅', 'renamed holder', 'the new name of a demo notice’s holder'],
];

describe('search quality: the expected notice comes first', () => {
  it.each([...QUERIES, ...QUERIES_AFTER_CHANGES])('%s finds %s first (%s)', (query, reference) => {
    const { hits } = searchNoticeIndex(indexer.index, query, {}, 1, NOW);
    expect(hits[0]?.id, `top hits: ${JSON.stringify(hits.slice(0, 3))}`).toBe(idOf.get(reference));
  });

  it('ranks exactly as an index built afresh after the changes would', async () => {
    const fresh = new NoticeIndexer({ db: test.db });
    await fresh.open();
    expect(indexer.index.parts.length).toBeGreaterThan(fresh.index.parts.length);
    for (const [query] of [...QUERIES, ...QUERIES_AFTER_CHANGES]) {
      expect(searchNoticeIndex(indexer.index, query, {}, 1, NOW), query).toEqual(searchNoticeIndex(fresh.index, query, {}, 1, NOW));
    }
  });

  it('has 35 queries over the first build and 15 over changes after it', () => {
    expect(QUERIES).toHaveLength(35);
    expect(QUERIES_AFTER_CHANGES).toHaveLength(15);
  });
});
