import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import type { PortalDatabase, PortalDb } from '../../src/lib/db/database.ts';
import { matchHolderNames } from '../../src/lib/db/seam.ts';
import { holderChangedDescription } from '../../src/lib/i18n/back-office.ts';
import { exportRecords } from '../../src/lib/back-office/import/export.ts';
import { FILE_FORMATS, formatRecords, type FileFormat } from '../../src/lib/back-office/import/formats.ts';
import { importFiles, kindOfFileName, type FileOutcome } from '../../src/lib/back-office/import/import.ts';
import { KIND_DEFINITIONS, RECORD_KINDS, type RecordKind } from '../../src/lib/back-office/import/records.ts';
import { certificateNumberKey, toSearchForm } from '../../src/lib/ground/text/normalise.ts';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/database.ts';
import {
  ENGLISH,
  EXAMPLES_FOLDER,
  exampleSources,
  importAll,
  rejectionText,
  runCommand,
  startCommand,
  textSource,
  whileWriteLocked,
} from '../support/back-office.ts';
import { holdWriteLock } from '../support/write-lock.ts';

const T1 = new Date('2026-11-20T02:00:00.000Z');
const T2 = new Date('2026-11-21T02:00:00.000Z');
const T3 = new Date('2026-11-22T02:00:00.000Z');

const TABLES: Record<RecordKind, keyof PortalDatabase> = {
  bodies: 'certificationBody',
  schemes: 'scheme',
  'scheme-levels': 'schemeLevel',
  organisations: 'organisation',
  certificates: 'certificate',
  'certificate-events': 'certificateEvent',
  notices: 'notice',
};

async function rowCounts(db: PortalDb): Promise<Record<RecordKind, number>> {
  const counts = {} as Record<RecordKind, number>;
  for (const kind of RECORD_KINDS) {
    const { n } = await db
      .selectFrom(TABLES[kind])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[kind] = Number(n);
  }
  return counts;
}

/** The records of an example file (JSON), to build good and bad records from. */
function exampleRecords(kind: RecordKind): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(EXAMPLES_FOLDER, `${kind}.json`), 'utf8'));
}

const fileOf = (kind: RecordKind, format: FileFormat, records: Record<string, unknown>[]) =>
  textSource(`${kind}.${format}`, formatRecords(records, format, KIND_DEFINITIONS[kind].fields));

/** The one file's rejection, as the English report words it. */
function rejection(outcomes: FileOutcome[]): string {
  const [outcome] = outcomes;
  expect(outcome?.result).toBe('rejected');
  return rejectionText(outcome);
}

function imported(outcome: FileOutcome | undefined) {
  if (outcome?.result !== 'imported') throw new Error(`not imported: ${rejectionText(outcome)}`);
  return outcome;
}

const certificateRow = (db: PortalDb, number: string) =>
  db
    .selectFrom('certificate')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .select(['certificate.id', 'organisation.uscc', 'certificate.status', 'certificate.scope', 'certificate.updatedAt'])
    .where('certificate.number', '=', number)
    .executeTakeFirstOrThrow();

let test: TestDatabase;
beforeEach(async () => {
  test = await createTestDatabase();
});
afterEach(() => test.remove());

describe('the example files', () => {
  it('import cleanly into an empty database, JSON, NDJSON and CSV of every kind alike', async () => {
    const json = await importAll(test.db, exampleSources('json'), T1);
    expect(json.map((outcome) => outcome.kind)).toEqual(RECORD_KINDS);
    expect(await rowCounts(test.db)).toEqual({
      bodies: 3,
      schemes: 2,
      'scheme-levels': 7,
      organisations: 3,
      certificates: 3,
      'certificate-events': 6,
      notices: 2,
    });

    // The same records in the two other formats: read identically, so nothing is new or changed.
    for (const format of ['ndjson', 'csv'] as const) {
      const outcomes = await importAll(test.db, exampleSources(format), T2);
      expect(outcomes).toHaveLength(RECORD_KINDS.length);
      for (const outcome of outcomes) expect(outcome).toMatchObject({ result: 'imported', counts: { added: 0, changed: 0 } });
    }
  });

  it('get their derived columns and UTC instants from the import', async () => {
    await importAll(test.db, exampleSources('csv'), T1);
    const organisation = await test.db.selectFrom('organisation').selectAll().where('uscc', '=', '91440300MA5F8Q2N0L').executeTakeFirstOrThrow();
    expect(organisation.nameSearch).toBe(toSearchForm(organisation.name));
    const certificate = await test.db.selectFrom('certificate').selectAll().where('number', '=', 'SHHX-SH-23-000087').executeTakeFirstOrThrow();
    expect(certificate.numberKey).toBe(certificateNumberKey('SHHX-SH-23-000087'));
    // Quotes and commas inside CSV fields, and a line break inside another, come through as written.
    expect(certificate.scope).toBe('数码产品, 小家电的售后服务（"以旧换新"、维修、退换货）');
    const events = await test.db
      .selectFrom('certificateEvent')
      .select(['kind', 'occurredAt', 'description'])
      .where('certificateId', '=', certificate.id)
      .orderBy('occurredAt')
      .execute();
    expect(events.map((event) => event.occurredAt)).toEqual(['2020-06-18T01:45:00.000Z', '2023-06-16T07:20:00.000Z', '2025-10-09T08:00:00.000Z']);
    expect(events.at(-1)!.description).toBe('企业未按期接受"年度监督审核", 依据认证规则暂停认证证书，暂停期不超过6个月。\n恢复前须完成监督审核。');
    const notice = await test.db.selectFrom('notice').selectAll().where('reference', '=', 'BJSC-GS-2025-0412').executeTakeFirstOrThrow();
    expect(notice).toMatchObject({
      windowStart: '2025-04-28T01:00:00.000Z',
      decidedAt: '2025-05-20T03:00:00.000Z',
      certificateId: expect.any(Number),
    });
    // The triggers indexed the holder's name for the name lookup.
    expect((await matchHolderNames(test.db, '鹏程')).total).toBe(1);
  });

  it('tried on the demo database add their own records and change none of the demo’s', async () => {
    await seedDemoData(test.db, { certificates: 2000, notices: 300, seed: 20261126, now: T1 });
    const before = await rowCounts(test.db);
    const outcomes = await importAll(test.db, exampleSources('csv'), T2);
    for (const outcome of outcomes) expect(imported(outcome).counts.changed).toBe(0);
    const added = Object.fromEntries(outcomes.map((outcome) => [outcome.kind, imported(outcome).counts.added]));
    // The schemes and their levels are the ones every installation knows, word for word: unchanged.
    expect(added).toEqual({ bodies: 3, schemes: 0, 'scheme-levels': 0, organisations: 3, certificates: 3, 'certificate-events': 6, notices: 2 });
    const after = await rowCounts(test.db);
    for (const kind of RECORD_KINDS) expect(after[kind]).toBe(before[kind] + added[kind]!);
  });
});

describe('what an import changes', () => {
  beforeEach(() => importAll(test.db, exampleSources('json'), T1));

  it('leaves alone every field of a column the file does not have', async () => {
    const before = await test.db.selectFrom('organisation').select(['uscc', 'name', 'city', 'address']).orderBy('id').execute();
    // No city column: the cities stay; the one name given changes.
    const [outcome] = await importAll(
      test.db,
      [
        textSource(
          'organisations.csv',
          'uscc,name\n91330106MA2H3K7P1E,杭州西子湖畔家电售后服务股份有限公司\n91440300MA5F8Q2N0L,深圳鹏程数码电器有限公司\n',
        ),
      ],
      T2,
    );
    expect(imported(outcome).counts).toEqual({ added: 0, changed: 1, unchanged: 1 });
    const after = await test.db.selectFrom('organisation').select(['uscc', 'name', 'city', 'address']).orderBy('id').execute();
    expect(after.map((row) => row.city)).toEqual(before.map((row) => row.city));
    expect(after.map((row) => row.address)).toEqual(before.map((row) => row.address));
    expect(after[0]!.name).toBe('杭州西子湖畔家电售后服务股份有限公司');
    // A JSON record without a field leaves it too.
    const [json] = await importAll(test.db, [textSource('bodies.json', '[{"code":"BJSC","phone":"010-65879999"}]')], T3);
    expect(imported(json).plan.changed[0]!.fields).toEqual([{ field: 'phone', old: '010-65872345', new: '010-65879999' }]);
    expect(await test.db.selectFrom('certificationBody').select(['website', 'address']).where('code', '=', 'BJSC').executeTakeFirstOrThrow()).toEqual(
      {
        website: 'https://www.bjsc-cert.example',
        address: '北京市朝阳区东三环中路55号盛诚大厦16层',
      },
    );
  });

  it('names every change, record by record and field by field, old → new; an empty cell clears a value and is named too', async () => {
    const csv = [
      'code,name,approval_number,website,phone,address',
      'BJSC,北京盛诚服务认证中心有限公司,CNCA-R-2008-029,,010-65872345,北京市朝阳区东三环中路55号盛诚大厦18层',
      'NEWB,新设认证有限公司,CNCA-R-2026-001,,,',
    ].join('\n');
    const [outcome] = await importAll(test.db, [textSource('bodies.csv', csv)], T2);
    const { plan, counts } = imported(outcome);
    expect(counts).toEqual({ added: 1, changed: 1, unchanged: 0 });
    expect(plan.changed).toEqual([
      expect.objectContaining({
        label: 'BJSC',
        location: { line: 2 },
        fields: [
          { field: 'website', old: 'https://www.bjsc-cert.example', new: null },
          { field: 'address', old: '北京市朝阳区东三环中路55号盛诚大厦16层', new: '北京市朝阳区东三环中路55号盛诚大厦18层' },
        ],
      }),
    ]);
    expect(plan.added).toEqual([expect.objectContaining({ label: 'NEWB', location: { line: 3 } })]);
    expect(
      await test.db.selectFrom('certificationBody').select(['website', 'updatedAt']).where('code', '=', 'BJSC').executeTakeFirstOrThrow(),
    ).toEqual({ website: null, updatedAt: T2.toISOString() });
  });

  it('refuses an empty cell in a required field, naming it', async () => {
    const message = rejection(
      await importFiles(test.db, [textSource('certificates.csv', 'number,scope\nBJSC-SH-24-000123,\n')], { dryRun: false, now: T2 }),
    );
    expect(message).toContain('certificates.csv line 2: scope: must not be empty');
  });

  it('changes nothing when imported twice, not even updated_at; a changed record is written with the new time', async () => {
    const tables = ['certificationBody', 'scheme', 'organisation', 'certificate', 'notice'] as const;
    const stampsOf = () => Promise.all(tables.map((table) => test.db.selectFrom(table).select(['id', 'updatedAt']).orderBy('id').execute()));
    const before = await stampsOf();
    for (const outcome of await importAll(test.db, exampleSources(), T2)) expect(outcome).toMatchObject({ counts: { added: 0, changed: 0 } });
    expect(await stampsOf()).toEqual(before);
    // Written with the import's time; a certificate's events, recorded later, moved it to the database's clock (migration T0700).
    for (const table of ['certificationBody', 'scheme', 'organisation', 'notice'] as const) {
      const stamps = await test.db.selectFrom(table).select('updatedAt').distinct().execute();
      expect(stamps.map((row) => row.updatedAt)).toEqual([T1.toISOString()]);
    }
    const unchanged = before[tables.indexOf('certificate')]!;

    const [first, ...rest] = exampleRecords('certificates');
    const [outcome] = await importAll(test.db, [fileOf('certificates', 'ndjson', [{ ...first, status: 'withdrawn' }, ...rest])], T3);
    expect(outcome).toMatchObject({ counts: { added: 0, changed: 1, unchanged: 2 } });
    const rows = await test.db.selectFrom('certificate').select(['number', 'status', 'updatedAt']).orderBy('id').execute();
    expect(rows).toEqual([
      { number: 'BJSC-SH-24-000123', status: 'withdrawn', updatedAt: T3.toISOString() },
      { number: 'SHHX-SH-23-000087', status: 'suspended', updatedAt: unchanged[1]!.updatedAt },
      { number: 'BJSC-CY-25-000015', status: 'valid', updatedAt: unchanged[2]!.updatedAt },
    ]);

    const events = exampleRecords('certificate-events');
    const [eventOutcome] = await importAll(
      test.db,
      [fileOf('certificate-events', 'csv', [{ ...events[0], description: '经评价，颁发证书。' }, ...events.slice(1)])],
      T3,
    );
    expect(eventOutcome).toMatchObject({ counts: { added: 0, changed: 1, unchanged: 5 } });
  });

  it('finds a certificate by its number whatever dashes, spaces or case the file writes', async () => {
    const [first, ...rest] = exampleRecords('certificates');
    const [same] = await importAll(
      test.db,
      [fileOf('certificates', 'json', [{ ...first, number: 'ｂｊｓｃ－ｓｈ－２４－０００１２３' }, ...rest])],
      T2,
    );
    expect(same).toMatchObject({ counts: { added: 0, changed: 0, unchanged: 3 } });
    // Without its first dash: the same certificate (the same key), now printed as the body writes it.
    const [respelt] = await importAll(test.db, [fileOf('certificates', 'json', [{ ...first, number: 'bjsc sh—24—000123' }, ...rest])], T2);
    expect(imported(respelt).plan.changed[0]!.fields).toEqual([{ field: 'number', old: 'BJSC-SH-24-000123', new: 'BJSCSH-24-000123' }]);
    expect(await test.db.selectFrom('certificate').select('number').where('numberKey', '=', 'BJSCSH24000123').execute()).toEqual([
      { number: 'BJSCSH-24-000123' },
    ]);
  });
});

describe('a certificate moved to another holder, body or scheme', () => {
  const [certificate] = exampleRecords('certificates');
  const moved = { ...certificate, holder_uscc: '91440300MA5F8Q2N0L', body_code: 'SHHX' };
  beforeEach(() => importAll(test.db, exampleSources('json'), T1));

  it('is refused, naming the certificate, the stored value and the new one, and nothing of the file is written', async () => {
    const stored = await certificateRow(test.db, 'BJSC-SH-24-000123');
    const message = rejection(await importFiles(test.db, [fileOf('certificates', 'csv', [moved])], { dryRun: false, now: T2 }));
    expect(message).toContain(
      'certificates.csv line 2: holder_uscc: would move certificate BJSC-SH-24-000123 from holder 91330106MA2H3K7P1E to 91440300MA5F8Q2N0L: refused',
    );
    expect(message).toContain('certificates.csv line 2: body_code: would move certificate BJSC-SH-24-000123 from body BJSC to SHHX: refused');
    expect(message).toContain('--allow-holder-change');
    expect(await certificateRow(test.db, 'BJSC-SH-24-000123')).toEqual({ ...stored, uscc: '91330106MA2H3K7P1E' });
  });

  it('is made when the run allows it, and recorded as a holder_changed event of the certificate saying who and what', async () => {
    const [outcome] = await importAll(test.db, [fileOf('certificates', 'csv', [moved])], T2, {
      allowHolderChange: { describe: holderChangedDescription },
    });
    expect(imported(outcome).holderEvents).toBe(1);
    const row = await certificateRow(test.db, 'BJSC-SH-24-000123');
    expect(row.uscc).toBe('91440300MA5F8Q2N0L');
    const events = await test.db
      .selectFrom('certificateEvent')
      .selectAll()
      .where('certificateId', '=', row.id)
      .where('kind', '=', 'holder_changed')
      .execute();
    expect(events).toEqual([
      expect.objectContaining({
        occurredAt: T2.toISOString(),
        description:
          '获证组织由“杭州西子湖畔家电售后服务有限公司”（统一社会信用代码 91330106MA2H3K7P1E）变更为“深圳鹏程数码电器有限公司”（统一社会信用代码 91440300MA5F8Q2N0L）；发证机构由北京盛诚服务认证中心有限公司（BJSC）变更为上海华迅质量认证有限公司（SHHX）。',
      }),
    ]);
    // The name lookup follows the certificate to its new holder.
    const { rankedIds } = await matchHolderNames(test.db, '鹏程');
    expect(await rankedIds(0, 10)).toContain(row.id);
  });

  it('to a holder whose name repeats a two-character piece, also by a direct upsert (the name-index trigger)', async () => {
    await importAll(
      test.db,
      [textSource('organisations.csv', 'uscc,name,province,address\n91330100799655058B,杭州有限公司萧山有限公司分公司,浙江省,杭州市萧山区\n')],
      T2,
    );
    const [outcome] = await importAll(test.db, [fileOf('certificates', 'json', [{ ...certificate, holder_uscc: '91330100799655058B' }])], T2, {
      allowHolderChange: { describe: holderChangedDescription },
    });
    expect(imported(outcome).counts.changed).toBe(1);
    // A back office's own program writing an upsert, as the import used to: the trigger no longer refuses it.
    const holder = await test.db.selectFrom('organisation').select('id').where('uscc', '=', '91330100799655058B').executeTakeFirstOrThrow();
    await sql`insert into certificate (number, number_key, organisation_id, body_id, scheme_id, level_code, scope, sites, first_issued_on, issued_on, expires_on, status, updated_at)
              select number, number_key, ${holder.id}, body_id, scheme_id, level_code, scope, sites, first_issued_on, issued_on, expires_on, status, updated_at
              from certificate where number = 'SHHX-SH-23-000087'
              on conflict (number) do update set organisation_id = excluded.organisation_id`.execute(test.db);
    const { total, rankedIds } = await matchHolderNames(test.db, '萧山');
    expect(total).toBe(2);
    expect((await rankedIds(0, 10)).sort()).toEqual(
      [(await certificateRow(test.db, 'BJSC-SH-24-000123')).id, (await certificateRow(test.db, 'SHHX-SH-23-000087')).id].sort(),
    );
  });
});

describe('every problem of a file, at once, where it is', () => {
  beforeEach(() => importAll(test.db, exampleSources('json'), T1));
  const [certificate] = exampleRecords('certificates');

  it('field errors and unknown references together, in the order of the file', async () => {
    const records = [
      { ...certificate, number: 'BJSC-SH-26-000001', status: 'expired' },
      { ...certificate, number: 'BJSC-SH-26-000002', holder_uscc: '91440300708461136T' },
      { ...certificate, number: 'BJSC-SH-26-000003', body_code: 'NOPE', expires_on: '2027-02-30' },
      { ...certificate, number: 'BJSC-SH-26-000004', level_code: 'excellent' },
    ];
    const message = rejection(await importFiles(test.db, [fileOf('certificates', 'ndjson', records)], { dryRun: false, now: T2 }));
    const lines = message.split('\n').slice(1);
    expect(lines).toEqual([
      'certificates.ndjson line 1: status: must be one of valid, suspended, withdrawn, cancelled (expired is never stored: it follows from expires_on)',
      'certificates.ndjson line 2: holder_uscc: no organisation has the USCC 91440300708461136T; import it first (organisations records, in this command or an earlier one)',
      'certificates.ndjson line 3: expires_on: must be a calendar date written YYYY-MM-DD, e.g. 2026-11-26',
      'certificates.ndjson line 3: body_code: no certification body has the code NOPE; import it first (bodies records, in this command or an earlier one)',
      'certificates.ndjson line 4: level_code: scheme after-sales has no level excellent',
    ]);
  });

  it('a broken CSV at the line where the broken record starts', async () => {
    const csv = [
      'uscc,name,province,city,address',
      '91330100799655058B,杭州新来的服务有限公司,浙江省,杭州市,地址一',
      '91440300708461136T,"深圳没有结束的名称,广东省,深圳市,地址二',
      '91330106MA2H3K7P1E,杭州西子湖畔家电售后服务有限公司,浙江省,杭州市,地址三',
      '',
    ].join('\n');
    expect(rejection(await importFiles(test.db, [textSource('organisations.csv', csv)], { dryRun: false, now: T2 }))).toContain(
      'organisations.csv line 3: a quoted field of the record that starts here is never closed',
    );
    const stray = 'uscc,name,province,address\n91330100799655058B,杭州"新来"的公司,浙江省,地址\n';
    expect(rejection(await importFiles(test.db, [textSource('organisations.csv', stray)], { dryRun: false, now: T2 }))).toContain(
      'organisations.csv line 2: a double quote inside a field that is not quoted',
    );
  });

  it('a file separated by semicolons, named as such', async () => {
    const csv = 'uscc;name;province;city;address\n91330100799655058B;杭州新来的服务有限公司;浙江省;杭州市;地址\n';
    expect(rejection(await importFiles(test.db, [textSource('organisations.csv', csv)], { dryRun: false, now: T2 }))).toContain(
      'organisations.csv line 1: is separated by semicolons (;), as Excel saves CSV in some locales',
    );
  });

  it('counts lines from where a record starts, past fields with line breaks', async () => {
    const csv = [
      'uscc,name,province,city,address',
      '91330100799655058B,"杭州""西湖, 之星""服务有限公司",浙江省,,"浙江省杭州市西湖区文三路1号, 2幢',
      '(北门)"',
      '91440300708461136T,圳,广东省,深圳市,深圳市南山区',
    ].join('\r\n');
    expect(rejection(await importFiles(test.db, [textSource('organisations.csv', csv)], { dryRun: false, now: T2 }))).toContain(
      'organisations.csv line 4: name: must be at least 2 characters',
    );
    const [outcome] = await importAll(test.db, [textSource('organisations.csv', csv.replace(',圳,', ',深圳市南山服务有限公司,'))], T2);
    expect(outcome).toMatchObject({ counts: { added: 2 } });
    const organisation = await test.db.selectFrom('organisation').selectAll().where('uscc', '=', '91330100799655058B').executeTakeFirstOrThrow();
    expect(organisation).toMatchObject({ name: '杭州"西湖, 之星"服务有限公司', city: null, address: '浙江省杭州市西湖区文三路1号, 2幢\n(北门)' });
  });
});

describe('bad records', () => {
  const body = () => ({ ...exampleRecords('bodies')[0], code: 'NEWB', approval_number: 'CNCA-R-2020-001' });
  const scheme = () => ({ ...exampleRecords('schemes')[0], code: 'property' });
  const level = () => ({ ...exampleRecords('scheme-levels')[0], code: 'platinum', rank: 5 });
  const organisation = () => ({ ...exampleRecords('organisations')[0], uscc: '91330100799655058B', name: '杭州新来的服务有限公司' });
  const certificate = () => ({ ...exampleRecords('certificates')[0], number: 'BJSC-SH-26-000999' });
  const event = () => ({ ...exampleRecords('certificate-events')[1], occurred_at: '2026-03-05T14:00:00+08:00' });
  const notice = () => ({ ...exampleRecords('notices')[1], reference: 'GS-2026-000999' });

  const cases: [string, RecordKind, FileFormat, Record<string, unknown>, string][] = [
    [
      'a body with a website that is no web address',
      'bodies',
      'ndjson',
      { ...body(), code: 'BAD', website: 'ftp://files.example' },
      'bodies.ndjson line 2: website: must start with http:// or https://',
    ],
    [
      "a body that takes another body's approval number",
      'bodies',
      'csv',
      { ...body(), code: 'BAD', approval_number: 'CNCA-R-2008-029' },
      'bodies.csv line 3: approval_number: CNCA-R-2008-029 is already the approval number of body BJSC',
    ],
    [
      'a scheme code with capitals and a space',
      'schemes',
      'csv',
      { ...scheme(), code: 'After Sales' },
      'schemes.csv line 3: code: must be lower-case letters and digits',
    ],
    [
      'a level of an unknown scheme',
      'scheme-levels',
      'json',
      { ...level(), scheme_code: 'no-such-scheme' },
      'scheme-levels.json record 2: scheme_code: no scheme has the code no-such-scheme',
    ],
    [
      'a level whose rank is not a number',
      'scheme-levels',
      'csv',
      { ...level(), code: 'gold', rank: 'first' },
      'scheme-levels.csv line 3: rank: must be a whole number',
    ],
    [
      'an organisation with a mistyped USCC',
      'organisations',
      'csv',
      { ...organisation(), uscc: '91330100799655058C' },
      'organisations.csv line 3: uscc: 91330100799655058C is not a valid USCC: the check character should be B, not C',
    ],
    [
      'a new organisation without an address',
      'organisations',
      'json',
      { ...organisation(), uscc: '91440300708461136T', address: undefined },
      'organisations.json record 2: is a new record (none is stored under its key) and lacks required fields: address',
    ],
    [
      'a certificate of an unknown holder',
      'certificates',
      'ndjson',
      { ...certificate(), number: 'BJSC-SH-26-001000', holder_uscc: '91440300708461136T' },
      'certificates.ndjson line 2: holder_uscc: no organisation has the USCC 91440300708461136T',
    ],
    [
      'a certificate with a field the import does not know',
      'certificates',
      'json',
      { ...certificate(), number: 'BJSC-SH-26-001000', valid_until: '2027-03-11' },
      'certificates.json record 2: valid_until: is not a field of these records',
    ],
    [
      'a certificate issued before it was first issued',
      'certificates',
      'csv',
      { ...certificate(), number: 'BJSC-SH-26-001000', issued_on: '2024-03-01' },
      'certificates.csv line 4: issued_on: must not be before first_issued_on (2024-03-12)',
    ],
    [
      'an event at a time without offset',
      'certificate-events',
      'ndjson',
      { ...event(), occurred_at: '2026-03-06 10:00:00' },
      'certificate-events.ndjson line 2: occurred_at: must be an ISO 8601 instant with its offset',
    ],
    [
      'an event of an unknown certificate',
      'certificate-events',
      'csv',
      { ...event(), certificate_number: 'BJSC-SH-99-999999' },
      'certificate-events.csv line 3: certificate_number: no certificate has the number BJSC-SH-99-999999',
    ],
    [
      'an event of an unknown kind',
      'certificate-events',
      'json',
      { ...event(), kind: 'renewed' },
      'certificate-events.json record 2: kind: must be one of issued, surveillance_passed',
    ],
    [
      'a notice whose window ends before it starts',
      'notices',
      'json',
      { ...notice(), reference: 'GS-2026-001000', window_end: '2026-11-22T00:00:00+08:00' },
      'notices.json record 2: window_end: must be after window_start (2026-11-22T16:00:00.000Z)',
    ],
    [
      'a decided notice without its decision time',
      'notices',
      'ndjson',
      { ...notice(), reference: 'GS-2026-001000', decision: 'refused' },
      'notices.ndjson line 2: decided_at: is required when the decision is refused',
    ],
    [
      'a withdrawal without its reason',
      'notices',
      'json',
      { ...notice(), reference: 'GS-2026-001001', status: 'withdrawn', withdrawn_at: '2026-11-20T10:00:00+08:00' },
      'notices.json record 2: withdrawal_reason: is required when the status is withdrawn: the public is told when and why a notice was withdrawn',
    ],
    [
      'a withdrawal without its time',
      'notices',
      'csv',
      { ...notice(), reference: 'GS-2026-001002', status: 'withdrawn', withdrawal_reason: '申请方撤回申请' },
      'notices.csv line 3: withdrawn_at: is required when the status is withdrawn',
    ],
    [
      'a published notice with a withdrawal reason',
      'notices',
      'ndjson',
      { ...notice(), reference: 'GS-2026-001003', withdrawal_reason: '申请方撤回申请' },
      'notices.ndjson line 2: withdrawal_reason: must be empty while the status is published',
    ],
    [
      'the same notice twice in one file',
      'notices',
      'csv',
      notice(),
      'notices.csv line 3: reference: repeats the record at line 2 (the same reference)',
    ],
  ];

  const good: Record<RecordKind, () => Record<string, unknown>> = {
    bodies: body,
    schemes: scheme,
    'scheme-levels': level,
    organisations: organisation,
    certificates: certificate,
    'certificate-events': event,
    notices: notice,
  };

  it.each(cases)('rejects %s with file, place and field, and writes nothing of the file', async (_, kind, format, bad, message) => {
    await importAll(test.db, exampleSources('json'), T1);
    const before = await rowCounts(test.db);
    // A good new record first: it must not be written either.
    const said = rejection(await importFiles(test.db, [fileOf(kind, format, [good[kind](), bad])], { dryRun: false, now: T2 }));
    expect(said).toContain(message);
    expect(said).toContain('nothing of it was written');
    expect(await rowCounts(test.db)).toEqual(before);
  });

  it('stores a withdrawal with its time (in UTC) and its reason, and takes a notice back to published only without them', async () => {
    await importAll(test.db, exampleSources('json'), T1);
    const withdrawn = {
      ...notice(),
      reference: 'GS-2026-001010',
      status: 'withdrawn',
      withdrawn_at: '2026-11-20T10:00:00+08:00',
      withdrawal_reason: '申请方书面申请撤回认证申请。',
    };
    expect(imported((await importFiles(test.db, [fileOf('notices', 'csv', [withdrawn])], { dryRun: false, now: T2 }))[0])).toMatchObject({
      counts: { added: 1 },
    });
    const row = await test.db
      .selectFrom('notice')
      .select(['status', 'withdrawnAt', 'withdrawalReason'])
      .where('reference', '=', 'GS-2026-001010')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'withdrawn', withdrawnAt: '2026-11-20T02:00:00.000Z', withdrawalReason: '申请方书面申请撤回认证申请。' });
    // Published again, the stored withdrawal must be emptied with it.
    const republished = rejection(
      await importFiles(test.db, [fileOf('notices', 'json', [{ reference: 'GS-2026-001010', status: 'published' }])], { dryRun: false, now: T3 }),
    );
    expect(republished).toContain('withdrawn_at: must be empty while the status is published');
  });

  it('rejects a CSV header with a column that is no field or without the natural key', async () => {
    const unknown = rejection(
      await importFiles(test.db, [textSource('organisations.csv', 'uscc,name,province,address,email\n')], { dryRun: false, now: T1 }),
    );
    expect(unknown).toContain('organisations.csv line 1: email: is not a field of these records; the fields are uscc, name, province, city, address');
    const keyless = rejection(
      await importFiles(test.db, [textSource('organisations.csv', 'name,province\n某某公司,浙江省\n')], { dryRun: false, now: T1 }),
    );
    expect(keyless).toContain('organisations.csv line 1: the header lacks uscc: every record needs this natural key');
  });

  it('rejects a file that is not UTF-8, not JSON, or named after no kind', async () => {
    const latin1 = { name: 'organisations.csv', content: Buffer.from('uscc,name\n91330100799655058B,caf\xe9\n', 'latin1') };
    expect(rejection(await importFiles(test.db, [latin1], { dryRun: false, now: T1 }))).toContain('organisations.csv: is not UTF-8 text');
    expect(rejection(await importFiles(test.db, [textSource('bodies.json', '[{"code": "X",]')], { dryRun: false, now: T1 }))).toContain(
      'bodies.json: is not valid JSON',
    );
    expect(rejection(await importFiles(test.db, [textSource('registry.csv', 'code\n')], { dryRun: false, now: T1 }))).toContain(
      'registry.csv: the file name does not say the kind of its records',
    );
  });

  it('accepts a UTF-8 byte order mark, as spreadsheets save it, in CSV and JSON', async () => {
    const bom = '\uFEFF';
    const csv = textSource('bodies.csv', `${bom}code,name,approval_number\nBOM,带BOM的认证机构,CNCA-R-2021-001\n`);
    const json = textSource(
      'schemes.json',
      `${bom}[{"code":"wholesale","name":"批发业服务认证","name_en":"Wholesale service","basis":"认证机构规则"}]`,
    );
    const outcomes = await importAll(test.db, [csv, json], T1);
    expect(outcomes.map((outcome) => outcome.result)).toEqual(['imported', 'imported']);
    expect(await test.db.selectFrom('certificationBody').select(['code', 'website']).execute()).toEqual([{ code: 'BOM', website: null }]);
  });
});

describe('a dry run', () => {
  it('checks every file, references between them included, lists what it would write, and writes nothing', async () => {
    const outcomes = await importFiles(test.db, exampleSources('csv'), { dryRun: true, now: T1 });
    expect(outcomes.map((outcome) => outcome.result)).toEqual(RECORD_KINDS.map(() => 'imported'));
    expect(imported(outcomes.find((outcome) => outcome.kind === 'certificates')).plan.added.map((added) => added.label)).toEqual([
      'BJSC-SH-24-000123',
      'SHHX-SH-23-000087',
      'BJSC-CY-25-000015',
    ]);
    expect(Object.values(await rowCounts(test.db))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('the kind of a file', () => {
  it.each([
    ['certificates.csv', 'certificates'],
    ['exports/2026-11-26.certificate-events.ndjson', 'certificate-events'],
    ['hxc_scheme-levels.json', 'scheme-levels'],
    ['HXC-notices.jsonl', 'notices'],
    ['registry.csv', null],
    ['events.csv', null],
  ])('of %s is %s', (name, kind) => expect(kindOfFileName(name)).toBe(kind));
});

describe('the demo data set written as import files', () => {
  let source: TestDatabase;
  beforeAll(async () => {
    source = await createTestDatabase();
    await seedDemoData(source.db, { certificates: 300, notices: 60, seed: 7, now: T1 });
  });
  afterAll(() => source.remove());

  it.each(FILE_FORMATS)('imports whole as %s into an empty database, and again without a change', async (format) => {
    const files = await Promise.all(
      RECORD_KINDS.map(async (kind) =>
        textSource(`${kind}.${format}`, formatRecords(await exportRecords(source.db, kind), format, KIND_DEFINITIONS[kind].fields)),
      ),
    );
    await importAll(test.db, files, T2);
    expect(await rowCounts(test.db)).toEqual(await rowCounts(source.db));
    const certificates = (db: PortalDb) =>
      db
        .selectFrom('certificate')
        .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
        .select(['number', 'numberKey', 'uscc', 'nameSearch', 'levelCode', 'scope', 'sites', 'firstIssuedOn', 'issuedOn', 'expiresOn', 'status'])
        .orderBy('number')
        .execute();
    expect(await certificates(test.db)).toEqual(await certificates(source.db));
    for (const outcome of await importAll(test.db, files, T3)) expect(outcome).toMatchObject({ counts: { added: 0, changed: 0 } });
  });
});

// Each test starts several commands, processes of their own, which a loaded machine starts slowly.
describe('the import command', { timeout: 180_000 }, () => {
  const exampleFiles = (format: FileFormat) => exampleSources(format).map((source) => join(EXAMPLES_FOLDER, source.name));
  const csvFile = (name: string, text: string) => {
    const path = join(dirname(test.path), name);
    writeFileSync(path, text);
    return path;
  };

  it('speaks Chinese by default and English with --lang en or an English LANG, field names as in the contract', () => {
    const bad = csvFile('certificates.csv', `number,status\n${'BJSC-SH-26-000001'},expired\n`);
    const chinese = runCommand('import', [bad], test);
    expect(chinese.status).toBe(1);
    const lines = chinese.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `${bad} 未导入，其中任何内容都没有写入：`,
      `  ${bad} 第 2 行：status：应为以下之一：valid、suspended、withdrawn、cancelled（不存储 expired：过期由 expires_on 得出）`,
      `  ${bad} 第 2 行：是新记录（数据库中还没有），缺少必填字段：holder_uscc, body_code, scheme_code, scope, sites, first_issued_on, issued_on, expires_on`,
    ]);
    expect(lines[3]).toMatch(/^已将 0 个文件（共 1 个）导入 .*，用时 [\d.]+ 秒。1 个文件未导入。$/);
    expect(lines).toHaveLength(4);
    for (const english of [runCommand('import', ['--lang', 'en', bad], test), runCommand('import', [bad], test, ENGLISH)]) {
      expect(english.stdout).toContain(
        `${bad} was rejected; nothing of it was written:\n  ${bad} line 2: status: must be one of valid, suspended, withdrawn, cancelled`,
      );
      expect(english.stdout).toContain(`0 of 1 files imported into ${test.name}`);
    }
    expect(runCommand('import', ['--lang', 'fr', bad], test).stderr).toContain('--lang 应为 zh 或 en，而不是“fr”');
    expect(runCommand('import', [], test).status).toBe(2);
    expect(runCommand('import', ['--kind', 'people', 'x.csv'], test, ENGLISH).stderr).toContain('--kind must be one of');
  });

  it('says each file’s problems or changes, then the summary, on one stream in that order; a dry run lists the same and writes nothing', () => {
    const dry = runCommand('import', ['--dry-run', ...exampleFiles('ndjson')], test, ENGLISH);
    expect(dry.status).toBe(0);
    expect(dry.stderr).toBe('');
    const lines = dry.stdout.trim().split('\n');
    const certificates = lines.indexOf(
      `${join(EXAMPLES_FOLDER, 'certificates.ndjson')}: 3 certificates records: 3 new, 0 changed, 0 unchanged (dry run: not written).`,
    );
    expect(certificates).toBeGreaterThan(0);
    expect(lines.slice(certificates + 1, certificates + 4)).toEqual([
      '  new line 1 BJSC-SH-24-000123',
      '  new line 2 SHHX-SH-23-000087',
      '  new line 3 BJSC-CY-25-000015',
    ]);
    expect(lines.at(-1)).toMatch(/^Dry run: checked 7 files in [\d.]+ s; nothing was written to /);
    const changesFile = join(dirname(test.path), 'dry-changes.ndjson');
    expect(runCommand('import', ['--dry-run', '--changes', changesFile, ...exampleFiles('json')], test).status).toBe(0);
    const planned = readFileSync(changesFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(planned.find((line) => line.key === 'BJSC-CY-25-000015')).toEqual({
      file: join(EXAMPLES_FOLDER, 'certificates.json'),
      record: 3,
      kind: 'certificates',
      key: 'BJSC-CY-25-000015',
      written: false,
      change: 'added',
      values: expect.objectContaining({ number: 'BJSC-CY-25-000015', holder_uscc: '91510104MA6C9X3T8B', level_code: 'excellent' }),
    });

    // Files in the order of their kinds; the organisations file is broken, so its certificates are unknown holders.
    const organisations = csvFile('organisations.csv', 'uscc,name,province,address\n91330100799655058B,杭,浙江省,杭州市\n');
    const certificatesFile = csvFile('certificates.csv', readFileSync(join(EXAMPLES_FOLDER, 'certificates.csv'), 'utf8'));
    const run = runCommand('import', ['--lang', 'en', certificatesFile, organisations], test);
    expect(run.status).toBe(1);
    const said = run.stdout.trim().split('\n');
    expect(said[0]).toBe(`${organisations} was rejected; nothing of it was written:`);
    expect(said[1]).toBe(`  ${organisations} line 2: name: must be at least 2 characters`);
    expect(said[2]).toBe(`${certificatesFile} was rejected; nothing of it was written:`);
    expect(said.at(-1)).toMatch(/^0 of 2 files imported into .* 2 not imported\.$/);
  });

  it('lists the first 50 changed records and counts the rest; --changes FILE has every one, field by field', async () => {
    await importAll(test.db, exampleSources('json'), T1);
    const rows = Array.from(
      { length: 60 },
      (_, i) =>
        `BJSC-SH-26-${String(i).padStart(6, '0')},91330106MA2H3K7P1E,BJSC,after-sales,,家电售后服务,杭州市,2026-01-05,2026-01-05,2029-01-04,valid`,
    );
    const header = 'number,holder_uscc,body_code,scheme_code,level_code,scope,sites,first_issued_on,issued_on,expires_on,status';
    await importAll(test.db, [textSource('certificates.csv', [header, ...rows, ''].join('\n'))], T2);
    const changed = csvFile(
      'certificates.csv',
      ['number,status', ...rows.map((row) => `${row.split(',')[0]},suspended`), 'BJSC-SH-24-000123,valid', ''].join('\n'),
    );
    const changesFile = join(dirname(test.path), 'changes.ndjson');
    const run = runCommand('import', ['--changes', changesFile, changed], test);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${changed}：61 条 certificates 记录，新增 0，变更 60，未变 1；写锁占用 [\\d.]+ 秒。$`));
    expect(lines.slice(1, 3)).toEqual(['  变更 第 2 行 BJSC-SH-26-000000：', '    status：valid → suspended']);
    expect(lines.filter((line) => line.startsWith('  变更 '))).toHaveLength(50);
    expect(lines).toContain(`  ……另有 10 条新增或变更的记录未列出，全部见 ${changesFile}`);
    expect(lines.at(-2)).toBe(`全部 60 条新增和变更已写入 ${changesFile}（NDJSON）。`);
    const changes = readFileSync(changesFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(changes).toHaveLength(60);
    expect(changes[59]).toEqual({
      file: changed,
      line: 61,
      kind: 'certificates',
      key: 'BJSC-SH-26-000059',
      written: true,
      change: 'changed',
      fields: { status: { old: 'valid', new: 'suspended' } },
    });
  });

  // SQLite's one write lock (PostgreSQL locks rows, and has no lock of the whole database to wait behind).
  it.runIf(TEST_DIALECT === 'sqlite')(
    'while another process holds the write lock: waits for it, or past PORTAL_WRITE_WAIT stops with "database busy, nothing of FILE was written", exit 1',
    async () => {
      const bodies = join(EXAMPLES_FOLDER, 'bodies.csv');
      const briefly = await holdWriteLock(test.path, 1000);
      const waited = await startCommand('import', [bodies], test);
      expect(Date.now()).toBeGreaterThanOrEqual(await briefly.released);
      expect(waited.status).toBe(0);
      expect((await rowCounts(test.db)).bodies).toBe(3);

      const schemes = join(EXAMPLES_FOLDER, 'schemes.csv');
      const [busy, english] = await whileWriteLocked(test.path, () =>
        Promise.all([
          startCommand('import', [schemes, join(EXAMPLES_FOLDER, 'scheme-levels.csv')], test, { PORTAL_WRITE_WAIT: '1' }),
          startCommand('import', [schemes], test, { ...ENGLISH, PORTAL_WRITE_WAIT: '1' }),
        ]),
      );
      expect(busy.status).toBe(1);
      expect(busy.stderr).toBe('');
      const lines = busy.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(`^数据库忙（另一个程序占用写锁，已等待 1 秒），${schemes} 未写入任何内容（SQLITE_BUSY: .*）。请稍后再试。$`),
      );
      expect(lines[1]).toBe(`以下文件未尝试导入：${join(EXAMPLES_FOLDER, 'scheme-levels.csv')}。`);
      expect((await rowCounts(test.db)).schemes).toBe(0);
      expect(english.status).toBe(1);
      expect(english.stdout).toContain(
        `database busy (another program held the write lock for the 1 s waited), nothing of ${schemes} was written (SQLITE_BUSY`,
      );
    },
  );
});
