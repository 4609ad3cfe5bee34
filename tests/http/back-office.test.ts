import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/build.ts';
import { formatRecords, type FileFormat } from '../../src/lib/back-office/import/formats.ts';
import { KIND_DEFINITIONS, type RecordKind } from '../../src/lib/back-office/import/records.ts';
import { usccCheckCharacter } from '../../src/lib/ground/organisations/uscc.ts';
import { ENGLISH, EXAMPLES_FOLDER, exampleSources, importAll, runCommand, startCommand, textSource } from '../support/back-office.ts';
import { openBackup, TEST_DIALECT } from '../support/database.ts';
import { commentForm, usePortal } from '../support/server.ts';

const DAY = 24 * 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
/** How soon a running portal must show what another process wrote. */
const PICK_UP_MS = 5000;

const HOLDER = { uscc: '91330100799655058B', name: '杭州湖滨晨光电器售后服务有限公司', nameWord: '晨光电器' };
const NUMBER = 'BJSC-SH-26-004711';
const SUBMITTER = { name: '隐私姓名测试丁', contact: '13700137000' };

let folder: string;
let openNoticeId: number;
let submissions = 0;

const exampleRecord = (kind: RecordKind, index: number): Record<string, unknown> =>
  JSON.parse(readFileSync(join(EXAMPLES_FOLDER, `${kind}.json`), 'utf8'))[index];

/** Writes records as the back office would hand them over: a file named after their kind, with all its fields or those given. */
function writeRecords(kind: RecordKind, format: FileFormat, records: Record<string, unknown>[], fields = KIND_DEFINITIONS[kind].fields): string {
  const path = join(folder, `${kind}.${format}`);
  writeFileSync(path, formatRecords(records, format, fields));
  return path;
}

/** Imports with `npm run import` in a process of its own; resolves once it has committed and exited. */
async function importInAnotherProcess(...files: string[]): Promise<string> {
  const run = await startCommand('import', files, portal.test);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
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

/** A page as it is now, whatever its status: what the polls below wait to change. */
const text = async (path: string) => (await portal.get(path)).text();
const certificateJson = async () => {
  const response = await portal.get(`/api/v1/certificates/${NUMBER}`);
  return response.status === 200 ? response.json() : null;
};

/**
 * A comment as the portal's form posts it, answered in JSON, from a person of its own unless
 * `contact` says who, and a client address of its own: more comments are sent while an import
 * or a backup runs than the addresses of commentForm span.
 */
function submitComment(text: string, contact?: string): Promise<Response> {
  submissions += 1;
  const fields = commentForm({ kind: 'opinion', text, name: SUBMITTER.name, ...(contact ? { contact } : {}) });
  return portal.postComment(openNoticeId, fields, {
    accept: 'application/json',
    'x-forwarded-for': `198.18.${submissions >> 8}.${submissions & 255}`,
  });
}

const portal = usePortal(
  async (test) => {
    folder = mkdtempSync(join(tmpdir(), 'portal-back-office-'));
    await importAll(test.db, exampleSources('json'));
    await importAll(test.db, [
      textSource(
        'notices.json',
        JSON.stringify([
          {
            ...exampleRecord('notices', 1),
            reference: 'GS-LIVE-OPEN',
            published_at: iso(-2 * DAY),
            window_start: iso(-DAY),
            window_end: iso(5 * DAY),
          },
        ]),
      ),
    ]);
    openNoticeId = (await test.db.selectFrom('notice').select('id').where('reference', '=', 'GS-LIVE-OPEN').executeTakeFirstOrThrow()).id;
  },
  { TRUST_PROXY: '1' },
);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

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
      await portal.test.db
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
    await pickedUp(async () => (await (await portal.get(`/api/v1/certificates?q=${encodeURIComponent(HOLDER.nameWord)}`)).json()).total === 1);
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
    // Not the import: a program of the body's own, with nothing but SQLite (or node-postgres).
    const writer =
      TEST_DIALECT === 'postgres'
        ? `
      const { Client } = require('pg');
      const db = new Client({ connectionString: process.argv[1] });
      const now = new Date().toISOString();
      (async () => {
        await db.connect();
        await db.query('begin');
        const { rows: [{ id }] } = await db.query('select id from certificate where number = $1', [process.argv[2]]);
        await db.query("update certificate set status = 'withdrawn', updated_at = $1 where id = $2", [now, id]);
        await db.query("insert into certificate_event (certificate_id, kind, occurred_at, description) values ($1, 'withdrawn', $2, '暂停期满仍未整改，撤销认证证书。')", [id, now]);
        await db.query('commit');
        await db.end();
      })();`
        : `
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
    const exitCode = await new Promise<number | null>((resolve) =>
      spawn(process.execPath, ['-e', writer, portal.test.url ?? portal.test.path, NUMBER], { cwd: projectRoot, stdio: 'inherit' }).once(
        'close',
        resolve,
      ),
    );
    expect(exitCode).toBe(0);
    const withdrawn = await eventId('withdrawn');
    await pickedUp(async () => (await certificateJson())?.status === 'withdrawn');
    await pickedUp(async () => (await text('/feeds/decisions.xml')).includes(`${NUMBER}#event-${withdrawn}`));
  });

  it('a new notice from the import: the list, its page and the notices feed', async () => {
    await importInAnotherProcess(
      writeRecords('notices', 'csv', [
        {
          ...exampleRecord('notices', 1),
          reference: 'GS-LIVE-NEW',
          applicant_uscc: HOLDER.uscc,
          published_at: iso(-DAY),
          window_start: iso(-60_000),
          window_end: iso(7 * DAY),
        },
      ]),
    );
    await pickedUp(async () => {
      const { items } = await (await portal.get('/api/v1/notices?state=open')).json();
      return items.some((item: { reference: string }) => item.reference === 'GS-LIVE-NEW');
    });
    const { id } = await portal.test.db.selectFrom('notice').select('id').where('reference', '=', 'GS-LIVE-NEW').executeTakeFirstOrThrow();
    await pickedUp(async () => (await text(`/notices/${id}`)).includes('GS-LIVE-NEW'));
    await pickedUp(async () => (await text('/feeds/notices.xml')).includes(`/notices/${id}</link>`));
  });
});

describe("the staff's answer", () => {
  it('shows on the receipt page and, once published, on the notice page without the submitter', async () => {
    const response = await submitComment('该企业的售后服务电话经常无人接听，希望认证机构核实。', SUBMITTER.contact);
    expect(response.status).toBe(201);
    const { trackingNumber } = await response.json();
    expect(await text(`/comments/${trackingNumber}`)).toContain('已收到');

    const reply = '经核查，该企业已增设服务热线坐席并公开服务时间。';
    const typed = trackingNumber.toLowerCase().replace(/-/g, ' ');
    const run = await startCommand('comments', ['answer', typed, '--status', 'answered', '--reply', reply, '--publish'], portal.test);
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

describe('a certificate moved to another holder by the import', { timeout: 120_000 }, () => {
  it('shows the holder_changed event on its page, in both languages, and in its feed', async () => {
    const other = { uscc: '91440300708461136T', name: '深圳前海晨光电器服务有限公司' };
    await importInAnotherProcess(writeRecords('organisations', 'csv', [{ ...exampleRecord('organisations', 1), ...other }]));
    const refused = await startCommand(
      'import',
      [writeRecords('certificates', 'csv', [{ number: NUMBER, holder_uscc: other.uscc }], ['number', 'holder_uscc'])],
      portal.test,
    );
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(`holder_uscc：会把证书 ${NUMBER} 的获证组织从 ${HOLDER.uscc} 改为 ${other.uscc}，已拒绝。`);

    const moved = await startCommand(
      'import',
      ['--allow-holder-change', writeRecords('certificates', 'csv', [{ number: NUMBER, holder_uscc: other.uscc }], ['number', 'holder_uscc'])],
      portal.test,
    );
    expect(moved.status).toBe(0);
    expect(moved.stdout).toContain(`    holder_uscc：${HOLDER.uscc} → ${other.uscc}\n    （已在证书记录中增加一条 holder_changed 事件）`);
    const description = `获证组织由“${HOLDER.name}”（统一社会信用代码 ${HOLDER.uscc}）变更为“${other.name}”（统一社会信用代码 ${other.uscc}）。`;
    await pickedUp(async () => (await certificateJson())?.holder?.name === other.name);
    const page = await text(`/certificates/${NUMBER}`);
    expect(page).toContain(`<strong>获证组织信息变更</strong>：${description}`);
    expect(await text(`/en/certificates/${NUMBER}`)).toContain(`<strong>Holder details changed</strong>: ${description}`);
    const feed = await text(`/feeds/certificates/${NUMBER}.xml`);
    expect(feed).toContain('获证组织信息变更');
    expect(feed).toContain(description);
  });
});

/** Organisations and certificates of their own, `count` of each, as a large file of a body would hold them. */
function largeImportFiles(count: number): string[] {
  const organisations: Record<string, unknown>[] = [];
  const certificates: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const first17 = `9133010${String(i).padStart(9, '0')}U`;
    const uscc = first17 + usccCheckCharacter(first17);
    organisations.push({ uscc, name: `杭州批量导入第${i}号服务有限公司`, province: '浙江省', city: '杭州市', address: `杭州市西湖区文三路${i}号` });
    certificates.push({ ...exampleRecord('certificates', 0), number: `BJSC-SH-26-${String(100_000 + i)}`, holder_uscc: uscc });
  }
  return [writeRecords('organisations', 'csv', organisations), writeRecords('certificates', 'csv', certificates)];
}

describe('a large import while the portal takes comments', { timeout: 180_000 }, () => {
  it('keeps every comment: each is stored and acknowledged while the import writes', async () => {
    const files = largeImportFiles(5000);
    const acknowledged: string[] = [];
    const refused: number[] = [];
    let importing = true;
    const stream = async () => {
      while (importing) {
        const response = await submitComment(`导入期间提交的第 ${submissions} 条意见，用于检验导入时意见不丢失。`);
        if (response.status === 201) acknowledged.push((await response.json()).trackingNumber);
        else refused.push(response.status);
      }
    };
    const streams = [stream(), stream(), stream()];
    let report: string;
    try {
      report = await importInAnotherProcess(...files);
    } finally {
      importing = false;
      await Promise.all(streams);
    }
    expect(refused).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(10);
    const stored = await portal.test.db.selectFrom('comment').select('trackingNumber').where('trackingNumber', 'in', acknowledged).execute();
    expect(stored).toHaveLength(acknowledged.length);
    expect(report).toMatch(/certificates\.csv：5,000 条 certificates 记录，新增 5,000，变更 0，未变 0；写锁占用 [\d.]+ 秒。/);
    expect(await certificateCount()).toBeGreaterThanOrEqual(5000);
  });
});

const certificateCount = async () =>
  Number(
    (
      await portal.test.db
        .selectFrom('certificate')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a backup', { timeout: 120_000 }, () => {
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
      const run = await startCommand('backup', [target], portal.test);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(acknowledged.length).toBeGreaterThan(beforeBackup.length);

      const copy = await openBackup(target);
      try {
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

  // How SQLite's backup is written; pg_dump writes PostgreSQL's into the same 0600 file.
  it.runIf(TEST_DIALECT === 'sqlite')(
    'is readable by its owner only, written through a temporary file of an unguessable name, never onto the live database',
    async () => {
      const target = join(folder, 'private-backup.db');
      const seen = new Set<string>();
      const watcher = watch(folder, (_, name) => name && seen.add(name));
      try {
        for (const round of [1, 2]) {
          const run = await startCommand('backup', ['--force', target], portal.test);
          expect(run.stdout).toContain(`已将 ${portal.test.path} 备份到 ${target}（仅您本人可读）`);
          expect(run.status, `round ${round}`).toBe(0);
          expect(statSync(target).mode & 0o777).toBe(0o600);
        }
      } finally {
        watcher.close();
      }
      const temporary = [...seen].filter((name) => name !== 'private-backup.db' && name.startsWith('.private-backup.db.'));
      expect(temporary.length).toBeGreaterThanOrEqual(2);
      for (const name of temporary) expect(name).toMatch(/^\.private-backup\.db\.[0-9a-f]{24}\.partial(-journal)?$/);
      expect(new Set(temporary.map((name) => name.replace(/-journal$/, ''))).size).toBeGreaterThanOrEqual(2);
      expect(readdirSync(folder).filter((name) => name.includes('.partial'))).toEqual([]);

      const live = runCommand('backup', ['--force', portal.test.path], portal.test);
      expect(live.status).toBe(2);
      expect(live.stdout).toBe(`${portal.test.path} 就是正在使用的数据库（PORTAL_DB）本身，不能把备份写到它上面；请另指定一个文件。\n`);
      const link = join(folder, 'link-to-live.db');
      symlinkSync(portal.test.path, link);
      const linked = runCommand('backup', ['--force', link], portal.test, ENGLISH);
      expect(linked.status).toBe(2);
      expect(linked.stdout).toContain('is the live database (PORTAL_DB) itself');
      expect(runCommand('backup', [`${portal.test.path}-wal`], portal.test).status).toBe(2);
      // The live database is whole and in use.
      const { rows } = await sql<{ integrityCheck: string }>`pragma integrity_check`.execute(portal.test.db);
      expect(rows).toEqual([{ integrityCheck: 'ok' }]);
      expect((await portal.get(`/certificates/${NUMBER}`)).status).toBe(200);
    },
  );
});
