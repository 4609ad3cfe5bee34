import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNoticeCorpus } from '../../src/lib/search/corpus.ts';
import { buildNoticeIndex, searchNoticeIndex, type NoticeIndex } from '../../src/lib/search/notice-index.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertSearchableNotice, SEARCH_CORPUS } from '../support/search-fixtures.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');

let test: TestDatabase;
let index: NoticeIndex;
const idOf = new Map<string, number>();

beforeAll(async () => {
  test = await createTestDatabase();
  // Ordinary notices around the ones searched for, so ranking has something to beat.
  await seedDemoData(test.db, { certificates: 400, notices: 300, seed: 7, now: NOW });
  const body = await test.db.selectFrom('certificationBody').select('id').orderBy('id').executeTakeFirstOrThrow();
  const scheme = await test.db.selectFrom('scheme').select('id').where('code', '=', 'after-sales').executeTakeFirstOrThrow();
  await test.db.insertInto('schemeLevel').values({ schemeId: scheme.id, code: 'five-star-qa', name: '五星', minScore: 95, rank: 9 }).execute();
  for (const notice of SEARCH_CORPUS) {
    const id = await insertSearchableNotice(test.db, { bodyId: body.id, schemeId: scheme.id }, notice);
    idOf.set(notice.reference, id);
  }
  const { documents, facts } = await loadNoticeCorpus(test.db);
  index = buildNoticeIndex(documents, facts);
});
afterAll(() => test.remove());

/** [query, the notice expected first, what the query is like] */
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

describe('search quality: the expected notice comes first', () => {
  it.each(QUERIES)('%s finds %s first (%s)', (query, reference) => {
    const { hits } = searchNoticeIndex(index, query, {}, 1, NOW);
    expect(hits[0]?.id, `top hits: ${JSON.stringify(hits.slice(0, 3))}`).toBe(idOf.get(reference));
  });

  it('has at least 30 queries', () => {
    expect(QUERIES.length).toBeGreaterThanOrEqual(30);
  });
});
