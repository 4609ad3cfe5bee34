import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/build.ts';
import { openDatabase } from '../../src/lib/db/sqlite.ts';
import { formatRecords, type FileFormat } from '../../src/lib/import/formats.ts';
import { KIND_DEFINITIONS, type RecordKind } from '../../src/lib/import/records.ts';
import { EXAMPLES_FOLDER, exampleSources, importAll, startCommand, textSource } from '../support/back-office.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { SITE_URL, startPortal, type RunningPortal } from '../support/server.ts';

const DAY = 24 * 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
/** How soon a running portal must show what another process wrote. */
const PICK_UP_MS = 5000;

const HOLDER = { uscc: '91330100799655058B', name: '杭州湖滨晨光电器售后服务有限公司', nameWord: '晨光电器' };
const NUMBER = 'HXC-SH-26-004711';
const SUBMITTER = { name: '隐私姓名测试丁', contact: '13700137000' };

let test: TestDatabase;
let portal: RunningPortal;
let folder: string;
let openNoticeId: number;
let submissions = 0;

const exampleRecord = (kind: RecordKind, index: number): Record<string, unknown> =>
  JSON.parse(readFileSync(join(EXAMPLES_FOLDER, `${kind}.json`), 'utf8'))[index];

/** Writes records as the back office would hand them over: a file named after their kind. */
function writeRecords(kind: RecordKind, format: FileFormat, records: Record<string, unknown>[]): string {
  const path = join(folder, `${kind}.${format}`);
  writeFileSync(path, formatRecords(records, format, KIND_DEFINITIONS[kind].fields));
  return path;
}

/** Imports with `npm run import` in a process of its own; resolves once it has committed and exited. */
async function importInAnotherProcess(...files: string[]): Promise<void> {
  const run = await startCommand('import', files, test.path);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
}

/** Polls until `shows` holds; fails unless it does within PICK_UP_MS of the writer's exit. */
async function pickedUp(shows: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await shows()) return;
    if (Date.now() - started > PICK_UP_MS) throw new Error(`Not shown within ${PICK_UP_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const get = (path: string) => fetch(`${portal.baseUrl}${path}`);
const text = async (path: string) => (await get(path)).text();
const certificateJson = async () => {
  const response = await get(`/api/v1/certificates/${NUMBER}`);
  return response.status === 200 ? response.json() : null;
};

/** A comment as the portal's form posts it, from a client address of its own (rate limits are per client). */
async function submitComment(text: string): Promise<Response> {
  submissions += 1;
  return fetch(`${portal.baseUrl}/notices/${openNoticeId}/comments`, {
    method: 'POST',
    body: new URLSearchParams({
      kind: 'opinion',
      text,
      name: SUBMITTER.name,
      contact: SUBMITTER.contact,
      organisation: '',
      consent: 'yes',
      idempotencyKey: `back-office-test-${submissions}-abcdefgh`,
      website: '',
    }),
    headers: { origin: SITE_URL, accept: 'application/json', 'x-forwarded-for': `198.18.${submissions >> 8}.${submissions & 255}` },
  });
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'portal-back-office-'));
  test = await createTestDatabase();
  await importAll(test.db, exampleSources('json'));
  await importAll(test.db, [
    textSource(
      'notices.json',
      JSON.stringify([{ ...exampleRecord('notices', 1), reference: 'GS-LIVE-OPEN', published_at: iso(-2 * DAY), window_start: iso(-DAY), window_end: iso(5 * DAY) }]),
    ),
  ]);
  openNoticeId = (await test.db.selectFrom('notice').select('id').where('reference', '=', 'GS-LIVE-OPEN').executeTakeFirstOrThrow()).id;
  portal = await startPortal(test.path, { TRUST_PROXY: '1' });
});
afterAll(async () => {
  await portal?.stop();
  await test?.remove();
  rmSync(folder, { recursive: true, force: true });
});

describe('a running portal picks up what another process writes, within 5 seconds', () => {
  const certificate = (status: string) => ({
    ...exampleRecord('certificates', 0),
    number: NUMBER,
    holder_uscc: HOLDER.uscc,
    first_issued_on: '2026-11-02',
    issued_on: '2026-11-02',
    expires_on: '2029-11-01',
    status,
  });
  const event = (kind: string, occurredAt: string, description: string) => ({
    certificate_number: NUMBER,
    kind,
    occurred_at: occurredAt,
    description,
    ...(kind === 'issued' ? { level_code: 'four-star', expires_on: '2029-11-01', scope: exampleRecord('certificates', 0).scope } : {}),
  });
  const eventId = async (kind: 'issued' | 'suspended' | 'withdrawn') =>
    (
      await test.db
        .selectFrom('certificateEvent')
        .innerJoin('certificate', 'certificate.id', 'certificateEvent.certificateId')
        .select('certificateEvent.id')
        .where('certificate.number', '=', NUMBER)
        .where('certificateEvent.kind', '=', kind)
        .executeTakeFirstOrThrow()
    ).id;

  it('a new certificate from the import: its page, the API, the name lookup and the decisions feed', async () => {
    await importInAnotherProcess(
      writeRecords('organisations', 'ndjson', [{ ...exampleRecord('organisations', 0), uscc: HOLDER.uscc, name: HOLDER.name }]),
      writeRecords('certificates', 'csv', [certificate('valid')]),
      writeRecords('certificate-events', 'json', [event('issued', iso(-60_000), '经文件评价和初始现场评价，认证决定批准颁发售后服务认证证书。')]),
    );
    const issued = await eventId('issued');
    await pickedUp(async () => (await certificateJson())?.holder?.name === HOLDER.name);
    await pickedUp(async () => (await text(`/certificates/${NUMBER}`)).includes(HOLDER.name));
    await pickedUp(async () => (await (await get(`/api/v1/certificates?q=${encodeURIComponent(HOLDER.nameWord)}`)).json()).total === 1);
    await pickedUp(async () => (await text('/feeds/decisions.xml')).includes(`${NUMBER}#event-${issued}`));
  });

  it('a status change from the import: suspended on the page, in the API and in the decisions feed', async () => {
    await importInAnotherProcess(
      writeRecords('certificates', 'ndjson', [certificate('suspended')]),
      writeRecords('certificate-events', 'ndjson', [event('suspended', iso(-30_000), '企业未按期接受年度监督审核，暂停认证证书。')]),
    );
    const suspended = await eventId('suspended');
    await pickedUp(async () => (await certificateJson())?.status === 'suspended');
    await pickedUp(async () => (await text(`/certificates/${NUMBER}`)).includes('证书暂停：在暂停期间不得使用认证证书和标志。'));
    await pickedUp(async () => (await text('/feeds/decisions.xml')).includes(`${NUMBER}#event-${suspended}`));
  });

  it('a status change the back office writes into the database directly', async () => {
    // Not the import: a program of the body's own, with nothing but SQLite.
    const writer = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.pragma('busy_timeout = 5000');
      const now = new Date().toISOString();
      db.transaction(() => {
        const { id } = db.prepare('select id from certificate where number = ?').get(process.argv[2]);
        db.prepare("update certificate set status = 'withdrawn', updated_at = ? where id = ?").run(now, id);
        db.prepare("insert into certificate_event (certificate_id, kind, occurred_at, description) values (?, 'withdrawn', ?, '暂停期满仍未整改，撤销认证证书。')").run(id, now);
      })();
      db.close();`;
    const exitCode = await new Promise<number | null>((resolve) => spawn(process.execPath, ['-e', writer, test.path, NUMBER], { cwd: projectRoot, stdio: 'inherit' }).once('close', resolve));
    expect(exitCode).toBe(0);
    const withdrawn = await eventId('withdrawn');
    await pickedUp(async () => (await certificateJson())?.status === 'withdrawn');
    await pickedUp(async () => (await text('/feeds/decisions.xml')).includes(`${NUMBER}#event-${withdrawn}`));
  });

  it('a new notice from the import: the list, its page and the notices feed', async () => {
    await importInAnotherProcess(
      writeRecords('notices', 'csv', [
        { ...exampleRecord('notices', 1), reference: 'GS-LIVE-NEW', applicant_uscc: HOLDER.uscc, published_at: iso(-DAY), window_start: iso(-60_000), window_end: iso(7 * DAY) },
      ]),
    );
    await pickedUp(async () => {
      const { items } = await (await get('/api/v1/notices?state=open')).json();
      return items.some((item: { reference: string }) => item.reference === 'GS-LIVE-NEW');
    });
    const { id } = await test.db.selectFrom('notice').select('id').where('reference', '=', 'GS-LIVE-NEW').executeTakeFirstOrThrow();
    await pickedUp(async () => (await text(`/notices/${id}`)).includes('GS-LIVE-NEW'));
    await pickedUp(async () => (await text('/feeds/notices.xml')).includes(`/notices/${id}</link>`));
  });
});

describe("the staff's answer", () => {
  it('shows on the receipt page and, once published, on the notice page without the submitter', async () => {
    const response = await submitComment('该企业的售后服务电话经常无人接听，希望认证机构核实。');
    expect(response.status).toBe(201);
    const { trackingNumber } = await response.json();
    expect(await text(`/comments/${trackingNumber}`)).toContain('已收到');

    const reply = '经核查，该企业已增设服务热线坐席并公开服务时间。';
    const typed = trackingNumber.toLowerCase().replace(/-/g, ' ');
    const run = await startCommand('comments', ['answer', typed, '--status', 'answered', '--reply', reply, '--publish'], test.path);
    expect(run.status).toBe(0);

    const receipt = await text(`/comments/${trackingNumber}`);
    expect(receipt).toContain('已答复');
    expect(receipt).toContain(reply);
    expect(receipt).toContain('意见内容和答复已在公示页面公开');
    const notice = await text(`/notices/${openNoticeId}`);
    expect(notice).toContain('该企业的售后服务电话经常无人接听，希望认证机构核实。');
    expect(notice).toContain(reply);
    expect(notice).not.toContain(SUBMITTER.name);
    expect(notice).not.toContain(SUBMITTER.contact);
  });
});

describe('a backup', () => {
  it('taken while comments keep arriving opens, passes the integrity check and holds every comment acknowledged before it began', async () => {
    const acknowledged: string[] = [];
    let streaming = true;
    const stream = async () => {
      while (streaming) {
        const response = await submitComment(`备份期间持续提交的第 ${submissions} 条意见，用于检验备份的一致性。`);
        expect(response.status).toBe(201);
        acknowledged.push((await response.json()).trackingNumber);
      }
    };
    const streams = [stream(), stream(), stream()];
    try {
      while (acknowledged.length < 30) await new Promise((resolve) => setTimeout(resolve, 20));
      const beforeBackup = [...acknowledged];
      const target = join(folder, 'portal-backup.db');
      const run = await startCommand('backup', [target], test.path);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(acknowledged.length).toBeGreaterThan(beforeBackup.length);

      const copy = openDatabase(target);
      try {
        const { rows } = await sql<{ integrityCheck: string }>`pragma integrity_check`.execute(copy);
        expect(rows).toEqual([{ integrityCheck: 'ok' }]);
        const kept = await copy.selectFrom('comment').select('trackingNumber').where('trackingNumber', 'in', beforeBackup).execute();
        expect(kept).toHaveLength(beforeBackup.length);
      } finally {
        await copy.destroy();
      }
    } finally {
      streaming = false;
      await Promise.all(streams);
    }
  });
});
