import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import {
  findNearMatches,
  keysOneSlipFrom,
  LOOKUP_PAGE_SIZE,
  lookupCertificates,
  meantUscc,
  shorterNamePart,
} from '../../src/lib/domain/certificates/lookup.ts';
import { findCertificateByNumber } from '../../src/lib/domain/certificates/repository.ts';
import { HOLDER_MATCH_LIMIT } from '../../src/lib/db/holder-names.ts';
import { DomainError } from '../../src/lib/ground/errors.ts';
import { usccCheckCharacter } from '../../src/lib/ground/organisations/uscc.ts';
import { toSearchForm } from '../../src/lib/ground/text/normalise.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { observedDatabase } from '../support/query-plans.ts';
import { insertBodyAndScheme, insertCertificate, insertOrganisation } from '../support/registry-fixtures.ts';

const TODAY = '2026-11-26';
const XIZI = '杭州西子湖畔家电售后服务有限公司';

/** A valid USCC for Hangzhou whose serial part is `serial` (nine characters). */
function uscc(serial: string): string {
  const first17 = `913301${'00'}${serial}`;
  return first17 + usccCheckCharacter(first17);
}

let test: TestDatabase;

async function holderFoundOnSomePage(query: string, holderName: string): Promise<boolean> {
  for (let page = 1; ; page++) {
    const result = await lookupCertificates(test.db, query, page, TODAY);
    if (result.items.some((item) => item.holderName === holderName)) return true;
    if (page >= result.pageCount) return false;
  }
}

beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const xizi = await insertOrganisation(test.db, XIZI, '91330100799655058B');
  await insertCertificate(test.db, ground, { number: 'TCB-SH-24-000001', organisationId: xizi });
  await insertCertificate(test.db, ground, { number: 'TCB-SH-25-000002', organisationId: xizi, status: 'suspended' });
  // Ranking: an exact name, a name that starts with the query, one that contains it.
  const exact = await insertOrganisation(test.db, '西湖售后', uscc('MA2000001'));
  const prefix = await insertOrganisation(test.db, '西湖售后服务中心', uscc('MA2000002'));
  const inside = await insertOrganisation(test.db, '杭州西湖售后服务部', uscc('MA2000003'));
  await insertCertificate(test.db, ground, { number: 'TCB-SH-24-000010', organisationId: inside });
  await insertCertificate(test.db, ground, { number: 'TCB-SH-24-000011', organisationId: prefix });
  await insertCertificate(test.db, ground, { number: 'TCB-SH-24-000012', organisationId: exact, expiresOn: '2026-11-25' });
  // Enough holders sharing a word to need several pages.
  for (let i = 0; i < 45; i++) {
    const id = await insertOrganisation(test.db, `宁波甬江物业管理第${i}分公司`, uscc(`MA3${String(i).padStart(6, '0')}`));
    await insertCertificate(test.db, ground, { number: `TCB-WY-24-${String(100 + i).padStart(6, '0')}`, organisationId: id });
  }
});
afterAll(() => test.remove());

describe('certificate lookup by number', () => {
  it.each(['TCB-SH-24-000001', 'tcb-sh-24-000001', 'ＴＣＢ－ＳＨ－２４－０００００１', 'TCB—SH—24—000001', ' TCB SH 24 000001 '])(
    'finds the certificate typed as %s',
    async (typed) => {
      const result = await lookupCertificates(test.db, typed, 1, TODAY);
      expect(result.matchedBy).toBe('number');
      expect(result.items.map((item) => item.number)).toEqual(['TCB-SH-24-000001']);
    },
  );
});

describe('certificate lookup by USCC', () => {
  it('lists every certificate of the holder', async () => {
    const result = await lookupCertificates(test.db, '91330100799655058b', 1, TODAY);
    expect(result.matchedBy).toBe('uscc');
    expect(result.items.map((item) => item.number)).toEqual(['TCB-SH-24-000001', 'TCB-SH-25-000002']);
    expect(result.items.map((item) => item.status)).toEqual(['valid', 'suspended']);
  });

  it('says which check character a mistyped USCC should have, instead of "not found"', async () => {
    const failure = lookupCertificates(test.db, '91330100799655058C', 1, TODAY);
    await expect(failure).rejects.toBeInstanceOf(DomainError);
    await expect(failure).rejects.toMatchObject({ code: 'invalid_uscc', kind: 'unprocessable' });
    await expect(failure).rejects.toMatchObject({
      details: { uscc: '91330100799655058C', problem: { problem: 'check', expected: 'B', found: 'C' } },
    });
  });
});

describe('certificate lookup by part of the name', () => {
  it('finds the holder by every contiguous substring of two or more characters of its name', async () => {
    const characters = Array.from(XIZI);
    const misses: string[] = [];
    for (let start = 0; start < characters.length - 1; start++) {
      for (let end = start + 2; end <= characters.length; end++) {
        const substring = characters.slice(start, end).join('');
        if (!(await holderFoundOnSomePage(substring, XIZI))) misses.push(substring);
      }
    }
    expect(misses).toEqual([]);
  });

  it('lists valid certificates first, and within them ranks names that start with the query before names that contain it; the expired exact name after', async () => {
    const result = await lookupCertificates(test.db, '西湖售后', 1, TODAY);
    expect(result.items.map((item) => item.holderName)).toEqual(['西湖售后服务中心', '杭州西湖售后服务部', '西湖售后']);
  });

  it('keeps the name ranking within one status: names that start with the query before names that contain it', async () => {
    const result = await lookupCertificates(test.db, '西湖售后', 1, TODAY, { status: 'expired' });
    expect(result.items.map((item) => item.holderName)).toEqual(['西湖售后']);
    const valid = await lookupCertificates(test.db, '西湖售后服务', 1, TODAY, { status: 'valid' });
    expect(valid.items.map((item) => item.holderName)).toEqual(['西湖售后服务中心', '杭州西湖售后服务部']);
  });

  it('shows the status as of today, expired computed from the end date', async () => {
    const result = await lookupCertificates(test.db, '西湖售后', 1, TODAY);
    expect(result.items.find((item) => item.number === 'TCB-SH-24-000012')).toMatchObject({ status: 'expired' });
  });

  it('paginates and reports the total', async () => {
    const first = await lookupCertificates(test.db, '甬江物业', 1, TODAY);
    const third = await lookupCertificates(test.db, '甬江物业', 3, TODAY);
    expect(first).toMatchObject({ total: 45, pageCount: 3, matchedBy: 'name' });
    expect(first.items).toHaveLength(LOOKUP_PAGE_SIZE);
    expect(third.items).toHaveLength(45 - 2 * LOOKUP_PAGE_SIZE);
    expect(new Set([...first.items, ...third.items].map((item) => item.number)).size).toBe(first.items.length + third.items.length);
  });

  it('does not search on a single character', async () => {
    expect(await lookupCertificates(test.db, '西', 1, TODAY)).toMatchObject({ matchedBy: 'none', total: 0 });
  });

  it('refuses a query over 200 characters with a clear message', async () => {
    await expect(lookupCertificates(test.db, '杭'.repeat(201), 1, TODAY)).rejects.toMatchObject({
      code: 'query_too_long',
      kind: 'invalid_input',
    });
  });

  it('follows renames, moves and deletions through the database triggers, whoever writes', async () => {
    const ground = await test.db.selectFrom('certificationBody').select('id as bodyId').executeTakeFirstOrThrow();
    const { schemeId } = await test.db.selectFrom('scheme').select('id as schemeId').executeTakeFirstOrThrow();
    const holder = await insertOrganisation(test.db, '温州瓯江批发有限公司', uscc('MA4000001'));
    const other = await insertOrganisation(test.db, '丽水好川批发有限公司', uscc('MA4000002'));
    const certificateId = await insertCertificate(test.db, { ...ground, schemeId }, { number: 'TCB-PF-24-000001', organisationId: holder });
    const holderOf = async (query: string) => (await lookupCertificates(test.db, query, 1, TODAY)).items.map((item) => item.holderName);

    await test.db
      .updateTable('organisation')
      .set({ name: '温州楠溪批发有限公司', nameSearch: toSearchForm('温州楠溪批发有限公司') })
      .where('id', '=', holder)
      .execute();
    expect(await holderOf('楠溪')).toEqual(['温州楠溪批发有限公司']);
    expect(await holderOf('瓯江批发')).toEqual([]);
    expect(await holderOf('瓯江')).toEqual([]);

    await test.db.updateTable('certificate').set({ organisationId: other }).where('id', '=', certificateId).execute();
    expect(await holderOf('好川批发')).toEqual(['丽水好川批发有限公司']);
    expect(await holderOf('楠溪')).toEqual([]);

    await test.db.deleteFrom('certificateEvent').where('certificateId', '=', certificateId).execute();
    await test.db.deleteFrom('certificate').where('id', '=', certificateId).execute();
    expect(await holderOf('好川')).toEqual([]);
    expect(await holderOf('好川批发')).toEqual([]);
  });

  it.each([
    ['two characters', '湖畔'],
    ['more characters', '西子湖畔'],
  ])('answers %s from the name indexes, never by scanning certificates or organisations', async (_, query) => {
    const observed = observedDatabase(test);
    try {
      const result = await lookupCertificates(observed.db, query, 1, TODAY);
      expect(result.total).toBeGreaterThan(0);
      const statements = await observed.scansSinceLastLook();
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) expect(statement.scans, statement.sql).toEqual([]);
    } finally {
      await observed.close();
    }
  });
});

describe('near matches for a number that is not registered as written', () => {
  it('finds a certificate from another spelling of its number (dashes, case), with its number as registered', async () => {
    expect((await findCertificateByNumber(test.db, 'tcb-sh24-000001'))?.number).toBe('TCB-SH-24-000001');
    expect(await findCertificateByNumber(test.db, ' - ')).toBeNull();
  });

  it('offers nothing for a number unlike any registered one', async () => {
    expect(await findNearMatches(test.db, 'FAKE-0001', TODAY)).toEqual({ likelyMeant: [], sameHolder: [] });
  });

  it('offers the numbers one typing slip away: a digit changed, and the year mistyped', async () => {
    const near = await findNearMatches(test.db, 'TCB-SH-24-000002', TODAY);
    expect(near.likelyMeant.map((item) => item.number)).toEqual(['TCB-SH-24-000001', 'TCB-SH-24-000012', 'TCB-SH-25-000002']);
  });

  it.each([
    ['TCBSH24000001', 'TCBSH24000002', true, 'a character changed'],
    ['TCBSH24000001', 'TCBSH240000001', true, 'a character added'],
    ['TCBSH24000001', 'TCBSH2400001', true, 'a character dropped'],
    ['TCBSH24000012', 'TCBSH24000021', true, 'two neighbours swapped'],
    ['TCBSH24000001', 'TCBSX24000001', true, 'a character of the body or scheme changed'],
    ['TCBSH24000001', 'TCBSH24000022', false, 'two characters changed'],
    ['TCBSH24000001', 'TCBSH24000001', false, 'the same number'],
  ])('%s and %s are one slip apart: %s (%s)', (a, b, expected) => {
    expect(keysOneSlipFrom(a).includes(b)).toBe(expected);
  });
});

describe('a word in nearly every name', () => {
  let large: TestDatabase;
  beforeAll(async () => {
    large = await createTestDatabase();
    await seedDemoData(large.db, { certificates: 1300, notices: 0, seed: 3, now: new Date(`${TODAY}T04:00:00Z`) });
  });
  afterAll(() => large?.remove());

  it.each([
    ['two characters', '有限'],
    ['more characters', '有限公司'],
  ])('(%s) is counted up to the limit, says so, and pages no further than it', async (_, word) => {
    const first = await lookupCertificates(large.db, word, 1, TODAY);
    expect(first).toMatchObject({
      matchedBy: 'name',
      total: HOLDER_MATCH_LIMIT,
      totalCapped: true,
      pageCount: HOLDER_MATCH_LIMIT / LOOKUP_PAGE_SIZE,
    });
    expect(first.items).toHaveLength(LOOKUP_PAGE_SIZE);
    expect(first.items.every((item) => toSearchForm(item.holderName).includes(word))).toBe(true);
    const last = await lookupCertificates(large.db, word, first.pageCount, TODAY);
    expect(last.items).toHaveLength(LOOKUP_PAGE_SIZE);
    expect((await lookupCertificates(large.db, word, first.pageCount + 1, TODAY)).items).toEqual([]);
  });

  it('is counted exactly when fewer match', async () => {
    const holder = await large.db.selectFrom('organisation').select('name').where('id', '=', 7).executeTakeFirstOrThrow();
    const result = await lookupCertificates(large.db, holder.name, 1, TODAY);
    expect(result).toMatchObject({ totalCapped: false });
    expect(result.items[0]?.holderName).toBe(holder.name);
  });
});

describe('a query of several words', () => {
  it('finds the holders whose name has every word, wherever they are in it', async () => {
    const result = await lookupCertificates(test.db, '杭州 售后', 1, TODAY);
    expect(result.matchedBy).toBe('name');
    expect(new Set(result.items.map((item) => item.holderName))).toEqual(new Set([XIZI, '杭州西湖售后服务部']));
    expect(result.total).toBe(3);
  });

  it('pages through the matches and counts them all', async () => {
    const first = await lookupCertificates(test.db, '宁波 分公司', 1, TODAY);
    const third = await lookupCertificates(test.db, '分公司 宁波', 3, TODAY);
    expect(first.total).toBe(45);
    expect(first.pageCount).toBe(3);
    expect(first.items).toHaveLength(LOOKUP_PAGE_SIZE);
    expect(third.items).toHaveLength(5);
  });

  it('finds nothing when no name has all of them', async () => {
    expect((await lookupCertificates(test.db, '宁波 售后', 1, TODAY)).total).toBe(0);
  });
});

describe('help when nothing is found', () => {
  it.each([
    ['华为', null],
    ['华为技术', '华为'],
    ['南昌 物业', '南昌'],
    ['x 南昌物业', '南昌'],
  ])('suggests for %s a shorter part of the name: %s', (query, part) => {
    expect(shorterNamePart(query)).toBe(part);
  });

  it('offers the USCC meant when only its check character is wrong, and nothing for other mistakes', () => {
    expect(meantUscc('91330100799655058C')).toBe('91330100799655058B');
    expect(meantUscc(' 9133 0100 7996 5505 8c ')).toBe('91330100799655058B');
    expect(meantUscc('91330100799655058B')).toBeNull();
    expect(meantUscc('9133010079965505')).toBeNull();
  });
});
