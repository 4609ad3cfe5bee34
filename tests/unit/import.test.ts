import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import type { PortalDatabase, PortalDb } from '../../src/lib/db/database.ts';
import { matchHolderNames } from '../../src/lib/db/sqlite.ts';
import { exportRecords } from '../../src/lib/import/export.ts';
import { FILE_FORMATS, formatRecords, type FileFormat } from '../../src/lib/import/formats.ts';
import { importFiles, kindOfFileName, type FileOutcome } from '../../src/lib/import/import.ts';
import { KIND_DEFINITIONS, RECORD_KINDS, type RecordKind } from '../../src/lib/import/records.ts';
import { certificateNumberKey, toSearchForm } from '../../src/lib/text/normalise.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { EXAMPLES_FOLDER, exampleSources, importAll, runCommand, textSource } from '../support/back-office.ts';

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
    const { n } = await db.selectFrom(TABLES[kind]).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
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

function rejection(outcomes: FileOutcome[]): string {
  const [outcome] = outcomes;
  expect(outcome?.accepted).toBe(false);
  return outcome && !outcome.accepted ? outcome.rejection.message : '';
}

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
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ accepted: true, counts: { added: 0, changed: 0 } });
      }
    }
  });

  it('get their derived columns and UTC instants from the import', async () => {
    await importAll(test.db, exampleSources('csv'), T1);
    const organisation = await test.db.selectFrom('organisation').selectAll().where('uscc', '=', '91440300MA5F8Q2N0L').executeTakeFirstOrThrow();
    expect(organisation.nameSearch).toBe(toSearchForm(organisation.name));
    const certificate = await test.db.selectFrom('certificate').selectAll().where('number', '=', 'ZHQC-SH-23-000087').executeTakeFirstOrThrow();
    expect(certificate.numberKey).toBe(certificateNumberKey('ZHQC-SH-23-000087'));
    // Quotes and commas inside CSV fields, and a line break inside another, come through as written.
    expect(certificate.scope).toBe('数码产品, 小家电的售后服务（"以旧换新"、维修、退换货）');
    const events = await test.db.selectFrom('certificateEvent').select(['kind', 'occurredAt', 'description']).where('certificateId', '=', certificate.id).orderBy('occurredAt').execute();
    expect(events.map((event) => event.occurredAt)).toEqual(['2020-06-18T01:45:00.000Z', '2023-06-16T07:20:00.000Z', '2025-10-09T08:00:00.000Z']);
    expect(events.at(-1)!.description).toBe('企业未按期接受"年度监督审核", 依据认证规则暂停认证证书，暂停期不超过6个月。\n恢复前须完成监督审核。');
    const notice = await test.db.selectFrom('notice').selectAll().where('reference', '=', 'GS-2025-000412').executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ windowStart: '2025-04-28T01:00:00.000Z', decidedAt: '2025-05-20T03:00:00.000Z', certificateId: expect.any(Number) });
    // The triggers indexed the holder's name for the name lookup.
    expect((await matchHolderNames(test.db, '鹏程')).total).toBe(1);
  });
});

describe('bad records', () => {
  const body = () => ({ ...exampleRecords('bodies')[0], code: 'NEWB', approval_number: 'CNCA-R-2020-001' });
  const scheme = () => ({ ...exampleRecords('schemes')[0], code: 'property' });
  const level = () => ({ ...exampleRecords('scheme-levels')[0], code: 'platinum', rank: 5 });
  const organisation = () => ({ ...exampleRecords('organisations')[0], uscc: '91330100799655058B', name: '杭州新来的服务有限公司' });
  const certificate = () => ({ ...exampleRecords('certificates')[0], number: 'HXC-SH-26-000999' });
  const event = () => ({ ...exampleRecords('certificate-events')[1], occurred_at: '2026-03-05T14:00:00+08:00' });
  const notice = () => ({ ...exampleRecords('notices')[1], reference: 'GS-2026-000999' });

  const cases: [string, RecordKind, FileFormat, Record<string, unknown>, string][] = [
    ['a body with a website that is no web address', 'bodies', 'ndjson', { ...body(), code: 'BAD', website: 'ftp://files.example' }, 'bodies.ndjson line 2: website: must start with http:// or https://'],
    ['a body that takes another body\'s approval number', 'bodies', 'csv', { ...body(), code: 'BAD', approval_number: 'CNCA-R-2002-017' }, 'bodies.csv line 3: approval_number: CNCA-R-2002-017 is already the approval number of body HXC'],
    ['a scheme code with capitals and a space', 'schemes', 'csv', { ...scheme(), code: 'After Sales' }, 'schemes.csv line 3: code: must be lower-case letters and digits'],
    ['a level of an unknown scheme', 'scheme-levels', 'json', { ...level(), scheme_code: 'no-such-scheme' }, 'scheme-levels.json record 2: scheme_code: no scheme has the code no-such-scheme'],
    ['a level whose rank is not a number', 'scheme-levels', 'csv', { ...level(), code: 'gold', rank: 'first' }, 'scheme-levels.csv line 3: rank: must be a whole number'],
    ['an organisation with a mistyped USCC', 'organisations', 'csv', { ...organisation(), uscc: '91330100799655058C' }, 'organisations.csv line 3: uscc: 91330100799655058C is not a valid USCC: the check character should be B, not C'],
    ['an organisation without an address', 'organisations', 'json', { ...organisation(), uscc: '91440300708461136T', address: undefined }, 'organisations.json record 2: address: is required'],
    ['a certificate said to be expired', 'certificates', 'csv', { ...certificate(), number: 'HXC-SH-26-001000', status: 'expired' }, 'certificates.csv line 4: status: must be one of valid, suspended, withdrawn, cancelled (expired is never stored'],
    ['a certificate of an unknown holder', 'certificates', 'ndjson', { ...certificate(), number: 'HXC-SH-26-001000', holder_uscc: '91440300708461136T' }, 'certificates.ndjson line 2: holder_uscc: no organisation has the USCC 91440300708461136T'],
    ['a certificate at a level its scheme lacks', 'certificates', 'json', { ...certificate(), number: 'HXC-SH-26-001000', level_code: 'excellent' }, 'certificates.json record 2: level_code: scheme after-sales has no level excellent'],
    ['a certificate ending on a day that does not exist', 'certificates', 'csv', { ...certificate(), number: 'HXC-SH-26-001000', expires_on: '2027-02-30' }, 'certificates.csv line 4: expires_on: must be a calendar date written YYYY-MM-DD'],
    ['a certificate with a field the import does not know', 'certificates', 'json', { ...certificate(), number: 'HXC-SH-26-001000', valid_until: '2027-03-11' }, 'certificates.json record 2: valid_until: is not a field of certificates records'],
    ['an event at a time without offset', 'certificate-events', 'ndjson', { ...event(), occurred_at: '2026-03-06 10:00:00' }, 'certificate-events.ndjson line 2: occurred_at: must be an ISO 8601 instant with its offset'],
    ['an event of an unknown certificate', 'certificate-events', 'csv', { ...event(), certificate_number: 'HXC-SH-99-999999' }, 'certificate-events.csv line 3: certificate_number: no certificate has the number HXC-SH-99-999999'],
    ['an event of an unknown kind', 'certificate-events', 'json', { ...event(), kind: 'renewed' }, 'certificate-events.json record 2: kind: must be one of issued, surveillance_passed'],
    ['a notice whose window ends before it starts', 'notices', 'json', { ...notice(), reference: 'GS-2026-001000', window_end: '2026-11-22T00:00:00+08:00' }, 'notices.json record 2: window_end: must be after window_start (2026-11-22T16:00:00.000Z)'],
    ['a decided notice without its decision time', 'notices', 'ndjson', { ...notice(), reference: 'GS-2026-001000', decision: 'refused' }, 'notices.ndjson line 2: decided_at: is required when the decision is refused'],
    ['the same notice twice in one file', 'notices', 'csv', notice(), 'notices.csv line 3: reference: repeats the record at line 2'],
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

  it('rejects a CSV header with a column that is no field, before reading any row', async () => {
    const message = rejection(await importFiles(test.db, [textSource('organisations.csv', 'uscc,name,province,address,email\n')], { dryRun: false, now: T1 }));
    expect(message).toContain('organisations.csv line 1: email: is not a field of these records; the fields are uscc, name, province, city, address');
  });

  it('rejects a file that is not UTF-8, not JSON, or named after no kind', async () => {
    const latin1 = { name: 'organisations.csv', content: Buffer.from('uscc,name\n91330100799655058B,caf\xe9\n', 'latin1') };
    expect(rejection(await importFiles(test.db, [latin1], { dryRun: false, now: T1 }))).toContain('organisations.csv: is not UTF-8 text');
    expect(rejection(await importFiles(test.db, [textSource('bodies.json', '[{"code": "X",]')], { dryRun: false, now: T1 }))).toContain('bodies.json: is not valid JSON');
    expect(rejection(await importFiles(test.db, [textSource('registry.csv', 'code\n')], { dryRun: false, now: T1 }))).toContain('registry.csv: the file name does not say the kind of its records');
  });
});

describe('importing the same file twice', () => {
  it('changes nothing, not even updated_at; a changed record is written with the new time', async () => {
    await importAll(test.db, exampleSources('json'), T1);
    for (const outcome of await importAll(test.db, exampleSources(), T2)) {
      expect(outcome).toMatchObject({ accepted: true, counts: { added: 0, changed: 0 } });
    }
    for (const table of ['certificationBody', 'scheme', 'organisation', 'certificate', 'notice'] as const) {
      const stamps = await test.db.selectFrom(table).select('updatedAt').distinct().execute();
      expect(stamps.map((row) => row.updatedAt)).toEqual([T1.toISOString()]);
    }

    const [first, ...rest] = exampleRecords('certificates');
    const [outcome] = await importAll(test.db, [fileOf('certificates', 'ndjson', [{ ...first, status: 'withdrawn' }, ...rest])], T3);
    expect(outcome).toMatchObject({ accepted: true, counts: { added: 0, changed: 1, unchanged: 2 } });
    const rows = await test.db.selectFrom('certificate').select(['number', 'status', 'updatedAt']).orderBy('id').execute();
    expect(rows).toEqual([
      { number: 'HXC-SH-24-000123', status: 'withdrawn', updatedAt: T3.toISOString() },
      { number: 'ZHQC-SH-23-000087', status: 'suspended', updatedAt: T1.toISOString() },
      { number: 'HXC-CY-25-000015', status: 'valid', updatedAt: T1.toISOString() },
    ]);

    const events = exampleRecords('certificate-events');
    const [eventOutcome] = await importAll(test.db, [fileOf('certificate-events', 'csv', [{ ...events[0], description: '经评价，颁发证书。' }, ...events.slice(1)])], T3);
    expect(eventOutcome).toMatchObject({ accepted: true, counts: { added: 0, changed: 1, unchanged: 5 } });
  });

  it('finds a certificate by its number whatever dashes, spaces or case the file writes', async () => {
    await importAll(test.db, exampleSources('json'), T1);
    const [first, ...rest] = exampleRecords('certificates');
    // Full-width and lower-case: stored as printed, so the very same number.
    const [same] = await importAll(test.db, [fileOf('certificates', 'json', [{ ...first, number: 'ｈｘｃ－ｓｈ－２４－０００１２３' }, ...rest])], T2);
    expect(same).toMatchObject({ counts: { added: 0, changed: 0, unchanged: 3 } });
    // Without its first dash: the same certificate (the same key), now printed as the body writes it.
    const [respelt] = await importAll(test.db, [fileOf('certificates', 'json', [{ ...first, number: 'hxc sh—24—000123' }, ...rest])], T2);
    expect(respelt).toMatchObject({ counts: { added: 0, changed: 1, unchanged: 2 } });
    expect(await test.db.selectFrom('certificate').select('number').where('numberKey', '=', 'HXCSH24000123').execute()).toEqual([{ number: 'HXCSH-24-000123' }]);
  });
});

describe('CSV', () => {
  it('reads quotes, commas and line breaks inside fields, and counts lines from where a record starts', async () => {
    await importAll(test.db, exampleSources('json'), T1);
    const csv = [
      'uscc,name,province,city,address',
      '91330100799655058B,"杭州""西湖, 之星""服务有限公司",浙江省,,"浙江省杭州市西湖区文三路1号, 2幢',
      '(北门)"',
      '91440300708461136T,圳,广东省,深圳市,深圳市南山区',
    ].join('\r\n');
    const message = rejection(await importFiles(test.db, [textSource('organisations.csv', csv)], { dryRun: false, now: T2 }));
    // The bad name is on line 4, after a record that spans lines 2 and 3.
    expect(message).toContain('organisations.csv line 4: name: must be at least 2 characters');

    const [outcome] = await importAll(test.db, [textSource('organisations.csv', csv.replace(',圳,', ',深圳市南山服务有限公司,'))], T2);
    expect(outcome).toMatchObject({ accepted: true, counts: { added: 2 } });
    const organisation = await test.db.selectFrom('organisation').selectAll().where('uscc', '=', '91330100799655058B').executeTakeFirstOrThrow();
    expect(organisation).toMatchObject({ name: '杭州"西湖, 之星"服务有限公司', city: null, address: '浙江省杭州市西湖区文三路1号, 2幢\n(北门)' });
  });

  it('accepts a UTF-8 byte order mark, as spreadsheets save it, in CSV and JSON', async () => {
    const bom = '\uFEFF';
    const csv = textSource('bodies.csv', `${bom}code,name,approval_number\nBOM,带BOM的认证机构,CNCA-R-2021-001\n`);
    const json = textSource('schemes.json', `${bom}[{"code":"wholesale","name":"批发业服务认证","name_en":"Wholesale service","basis":"认证机构规则"}]`);
    const outcomes = await importAll(test.db, [csv, json], T1);
    expect(outcomes.map((outcome) => outcome.accepted)).toEqual([true, true]);
    expect(await test.db.selectFrom('certificationBody').select(['code', 'website']).execute()).toEqual([{ code: 'BOM', website: null }]);
  });
});

describe('a dry run', () => {
  it('checks every file, references between them included, and writes nothing', async () => {
    const outcomes = await importFiles(test.db, exampleSources('csv'), { dryRun: true, now: T1 });
    expect(outcomes.every((outcome) => outcome.accepted)).toBe(true);
    expect(outcomes.find((outcome) => outcome.kind === 'certificates')).toMatchObject({ counts: { added: 3 } });
    expect(Object.values(await rowCounts(test.db))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('from the command line says so, and exits 1 with the problem when a file is bad', async () => {
    const good = runCommand('import', ['--dry-run', ...exampleSources('ndjson').map((source) => join(EXAMPLES_FOLDER, source.name))], test.path);
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('certificates.ndjson: 3 certificates records: 3 new, 0 changed, 0 unchanged (dry run: not written)');
    expect(good.stdout).toContain('nothing was written');
    expect(Object.values(await rowCounts(test.db))).toEqual([0, 0, 0, 0, 0, 0, 0]);

    const bad = runCommand('import', [join(EXAMPLES_FOLDER, 'certificates.csv')], test.path);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('certificates.csv line 2: holder_uscc: no organisation has the USCC 91330106MA2H3K7P1E');
    expect(runCommand('import', [], test.path).status).toBe(2);
    expect(runCommand('import', ['--kind', 'people', 'x.csv'], test.path).stderr).toContain('--kind must be one of');
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
      RECORD_KINDS.map(async (kind) => textSource(`${kind}.${format}`, formatRecords(await exportRecords(source.db, kind), format, KIND_DEFINITIONS[kind].fields))),
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
