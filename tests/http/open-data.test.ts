import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { statusOnDay } from '../../src/lib/domain/certificates/status.ts';
import type { StoredCertificateStatus } from '../../src/lib/db/registry.table.ts';
import { toSearchForm } from '../../src/lib/ground/text/normalise.ts';
import { beijingDate } from '../../src/lib/ground/time/beijing.ts';
import { insertComment } from '../support/notice-fixtures.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

/** The bulk files of /data: listed, served, read back and counted against the API, and written again after a change. */
const FILES = [
  'certificates.csv.gz',
  'certificates.ndjson.gz',
  'certificate-events.csv.gz',
  'certificate-events.ndjson.gz',
  'notices.csv.gz',
  'notices.ndjson.gz',
];
// A cell that needs every kind of RFC 4180 quoting, with Chinese in it.
const AWKWARD_SCOPE = '家用电器的"上门"维修,安装\r\n及回收服务';
const AWKWARD_HOLDER = '杭州"引号",逗号家电服务有限公司';
const PRIVATE_NAME = '隐私测试提交人甲乙';
const PRIVATE_CONTACT = 'private-open-data@example.cn';

interface Listing {
  generatedAt: string | null;
  files: { name: string; url: string; dataset: string; format: string; records: number; bytes: number; sha256: string }[];
}

let awkwardNumber: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const listing = () => portal.getJson<Listing>('/data.json');

const shaOf = (list: Listing, name: string) => list.files.find((file) => file.name === name)?.sha256;

/** The listing once every file is listed and `ready` holds of it. */
async function listed(ready: (list: Listing) => boolean = () => true, withinMs = 60_000): Promise<Listing> {
  const started = Date.now();
  for (;;) {
    const current = await listing();
    if (current.generatedAt !== null && current.files.length === FILES.length && ready(current)) return current;
    if (Date.now() - started > withinMs) throw new Error(`no new files within ${withinMs} ms:\n${portal.output()}`);
    await sleep(200);
  }
}

/** A file as served, checked against its line in the listing, and decompressed. */
async function download(list: Listing, name: string): Promise<string> {
  const listed = list.files.find((file) => file.name === name)!;
  const response = await portal.get(`/data/${name}`);
  expect(response.status, name).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(response.headers.get('content-type')).toBe('application/gzip');
  expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
  expect(bytes.length).toBe(listed.bytes);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(listed.sha256);
  expect(response.headers.get('etag')).toBe(`"${listed.sha256}"`);
  return gunzipSync(bytes).toString('utf8');
}

const csvRecords = (text: string) => parse(text, { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[];
const ndjsonRecords = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, string | number | null>);

const portal = usePortal(
  async (test) => {
    await seedDemoData(test.db, { certificates: 120, notices: 40, seed: 16, now: new Date() });
    const first = await test.db.selectFrom('certificate').select(['id', 'number', 'organisationId']).orderBy('id').executeTakeFirstOrThrow();
    awkwardNumber = first.number;
    await sql`update certificate set scope = ${AWKWARD_SCOPE} where id = ${first.id}`.execute(test.db);
    await test.db
      .updateTable('organisation')
      .set({ name: AWKWARD_HOLDER, nameSearch: toSearchForm(AWKWARD_HOLDER) })
      .where('id', '=', first.organisationId)
      .execute();
    const notice = await test.db.selectFrom('notice').select('id').orderBy('id').executeTakeFirstOrThrow();
    await insertComment(test.db, notice.id, {
      text: '公开数据中不得出现我的信息',
      submitterName: PRIVATE_NAME,
      submitterContact: PRIVATE_CONTACT,
      published: 1,
      status: 'answered',
      reply: '已答复',
    });
  },
  { PORTAL_OPEN_DATA_INTERVAL: '1' },
);

describe('bulk files', () => {
  it('lists every file on /data.json, each served with the size and SHA-256 listed, and 304 for a current copy', async () => {
    const list = await listed();
    expect(list.files.map((file) => file.name).sort()).toEqual([...FILES].sort());
    for (const file of list.files) {
      expect(file.url).toBe(`${SITE_URL}/data/${file.name}`);
      await download(list, file.name);
      const again = await portal.get(`/data/${file.name}`, { headers: { 'if-none-match': `"${file.sha256}"` } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    }
    const head = await portal.get('/data/notices.csv.gz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(list.files.find((file) => file.name === 'notices.csv.gz')!.bytes);
    expect((await portal.get('/data/nothing.csv.gz')).status).toBe(404);
  });

  it('holds every certificate, event and notice the API counts, the same in CSV (read by a CSV parser) and NDJSON', async () => {
    const list = await listed();
    const today = beijingDate(new Date());
    const certificatesCsv = await download(list, 'certificates.csv.gz');
    // Excel's cue that the file is UTF-8.
    expect(certificatesCsv.startsWith('\uFEFFnumber,recordedStatus,')).toBe(true);
    const certificates = csvRecords(certificatesCsv);
    const certificatesNdjson = ndjsonRecords(await download(list, 'certificates.ndjson.gz'));
    expect(certificates.length).toBe(list.files.find((file) => file.name === 'certificates.csv.gz')!.records);
    expect(certificatesNdjson.length).toBe(certificates.length);
    expect(certificatesNdjson.map((record) => record.number)).toEqual(certificates.map((record) => record.number));

    // The API's totals: every body's certificates by status today.
    const { items: bodies } = await portal.getJson<{ items: { code: string }[] }>('/api/v1/bodies');
    const counted: Record<string, number> = {};
    for (const { code } of bodies) {
      const profile = await portal.getJson<{ certificates: Record<string, number> }>(`/api/v1/bodies/${encodeURIComponent(code)}`);
      for (const [status, count] of Object.entries(profile.certificates)) counted[status] = (counted[status] ?? 0) + count;
    }
    expect(certificates.length).toBe(counted.total);
    expect(certificates.length).toBeGreaterThanOrEqual(100);
    const byStatus: Record<string, number> = {};
    for (const record of certificates) {
      const status = statusOnDay(record.recordedStatus as StoredCertificateStatus, record.expiresOn!, today);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
    for (const status of ['valid', 'suspended', 'expired', 'withdrawn', 'cancelled']) expect(byStatus[status] ?? 0, status).toBe(counted[status]);

    // Quoting survives a real parser, in both formats.
    const awkward = certificates.find((record) => record.number === awkwardNumber)!;
    expect(awkward.scope).toBe(AWKWARD_SCOPE);
    expect(awkward.holderName).toBe(AWKWARD_HOLDER);
    expect(certificatesNdjson.find((record) => record.number === awkwardNumber)!.scope).toBe(AWKWARD_SCOPE);

    const noticesCsv = csvRecords(await download(list, 'notices.csv.gz'));
    const noticesNdjson = ndjsonRecords(await download(list, 'notices.ndjson.gz'));
    const { total: noticeTotal } = await portal.getJson<{ total: number }>('/api/v1/notices');
    expect(noticesCsv.length).toBe(noticeTotal);
    expect(noticesNdjson.length).toBe(noticeTotal);
    expect(noticesNdjson.map((record) => record.id)).toEqual(noticesCsv.map((record) => Number(record.id)));

    // Events: each certificate's in the files are the API's, in the same order.
    const events = csvRecords(await download(list, 'certificate-events.csv.gz'));
    const eventsNdjson = ndjsonRecords(await download(list, 'certificate-events.ndjson.gz'));
    expect(eventsNdjson.length).toBe(events.length);
    expect(events.length).toBe(list.files.find((file) => file.name === 'certificate-events.csv.gz')!.records);
    for (const { number } of certificates.filter((_record, i) => i % 20 === 0)) {
      const api = await portal.getJson<{ events: { kind: string; occurredAt: string }[] }>(`/api/v1/certificates/${encodeURIComponent(number!)}`);
      const inFile = events.filter((event) => event.certificateNumber === number);
      expect(
        inFile.map(({ kind, occurredAt }) => ({ kind, occurredAt })),
        number,
      ).toEqual(api.events.map(({ kind, occurredAt }) => ({ kind, occurredAt })));
    }
  });

  it('never holds anything of who sent a comment', async () => {
    const list = await listed();
    const contacts = (await portal.test.db.selectFrom('comment').select(['submitterName', 'submitterContact']).execute()).flatMap((comment) => [
      comment.submitterContact,
    ]);
    expect(contacts).toContain(PRIVATE_CONTACT);
    for (const { name } of list.files) {
      const text = await download(list, name);
      expect(text, name).not.toContain(PRIVATE_NAME);
      for (const contact of contacts.filter((contact) => contact.length >= 8)) expect(text, name).not.toContain(contact);
    }
  });

  it('/data and /en/data list each file with its records, size and SHA-256 as /data.json does, and the footer and /api link there', async () => {
    const list = await listed();
    for (const [path, heading] of [
      ['/data', '批量数据下载'],
      ['/en/data', 'Bulk data downloads'],
    ] as const) {
      const response = await portal.get(path);
      expect(response.status).toBe(200);
      const page = (await response.text()).replace(/ data-astro-cid-\w+/g, '');
      expect(page).toContain(`<h1>${heading}</h1>`);
      for (const file of list.files) {
        const row = page.slice(page.indexOf(`<tr data-file="${file.name}">`), page.indexOf('</tr>', page.indexOf(`<tr data-file="${file.name}">`)));
        expect(row, file.name).toContain(`href="${file.url}"`);
        expect(row).toContain(`data-records="${file.records}"`);
        expect(row).toContain(`data-bytes="${file.bytes}"`);
        expect(row).toContain(file.sha256);
      }
      expect(page).toContain(`href="${path.replace('/data', '')}/data"`);
    }
    expect(await portal.getText('/api')).toContain('href="/data"');
  });

  it('is written again after a change made by plain SQL, and lists the new files', async () => {
    const before = await listed();
    const changedScope = '由 SQL 直接改写的认证范围';
    const other = portal.test.connect();
    try {
      await sql`update certificate set scope = ${changedScope} where number = ${awkwardNumber}`.execute(other);
    } finally {
      await other.destroy();
    }
    const after = await listed((list) => shaOf(list, 'certificates.csv.gz') !== shaOf(before, 'certificates.csv.gz'));
    expect(after.generatedAt! > before.generatedAt!).toBe(true);
    const certificates = csvRecords(await download(after, 'certificates.csv.gz'));
    expect(certificates.find((record) => record.number === awkwardNumber)!.scope).toBe(changedScope);
    // Nothing else changed: the other files are the same bytes. A client holding the old certificates file is sent the new one.
    expect(shaOf(after, 'notices.csv.gz')).toBe(shaOf(before, 'notices.csv.gz'));
    expect(
      (await portal.get('/data/certificates.csv.gz', { headers: { 'if-none-match': `"${shaOf(before, 'certificates.csv.gz')}"` } })).status,
    ).toBe(200);
  });
});
