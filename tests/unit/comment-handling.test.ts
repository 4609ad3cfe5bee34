import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerComment,
  erasePersonalData,
  exportComments,
  formatCommentExport,
  type ExportFilter,
} from '../../src/lib/back-office/comment-handling.ts';
import { findCommentByTrackingNumber } from '../../src/lib/domain/comments/tracking.ts';
import { findNotice } from '../../src/lib/domain/notices/repository.ts';
import { parseBeijingDayOrInstant } from '../../src/lib/ground/time/instant.ts';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/database.ts';
import { ENGLISH, runCommand, startCommand, whileWriteLocked } from '../support/back-office.ts';
import { insertBodyAndScheme, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { insertComment } from '../support/notice-fixtures.ts';
import { holdWriteLock } from '../support/write-lock.ts';

const SUBMITTER = { name: '隐私姓名测试丙', contact: 'bingbing@example.cn', organisation: '某某消费者协会' };
const NOW = new Date('2026-11-26T08:00:00.000Z');

let test: TestDatabase;
let noticeId: number;
let otherNoticeId: number;
let decidedNoticeId: number;
let folder: string;

/** An objection as submitComment stores it; the tracking numbers are fixed so tests can type them. */
function receiveObjection(trackingNumber: string, receivedAt: string, text: string, notice = noticeId): Promise<void> {
  return insertComment(test.db, notice, {
    trackingNumber,
    idempotencyKey: `key-${trackingNumber}`,
    kind: 'objection',
    text,
    submitterName: SUBMITTER.name,
    submitterContact: SUBMITTER.contact,
    submitterOrganisation: SUBMITTER.organisation,
    receivedAt,
    updatedAt: receivedAt,
  });
}

const ALL: ExportFilter = { since: null, bodyCode: null, noticeReference: null };

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'portal-comments-'));
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const applicant = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  noticeId = await insertNotice(test.db, ground, {
    organisationId: applicant,
    windowStart: '2026-11-20T01:00:00.000Z',
    windowEnd: '2026-11-30T09:00:00.000Z',
    reference: 'GS-HANDLING',
  });
  // Another body's notice, and a notice of the first body decided long ago.
  const other = await test.db
    .insertInto('certificationBody')
    .values({
      code: 'OTHER',
      name: '另一家认证机构',
      approvalNumber: 'CNCA-R-2010-002',
      website: null,
      phone: null,
      address: null,
      updatedAt: NOW.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  otherNoticeId = await insertNotice(
    test.db,
    { bodyId: other.id, schemeId: ground.schemeId },
    { organisationId: applicant, windowStart: '2026-11-21T01:00:00.000Z', windowEnd: '2026-11-30T09:00:00.000Z', reference: 'GS-OTHER' },
  );
  decidedNoticeId = await insertNotice(test.db, ground, {
    organisationId: applicant,
    windowStart: '2025-03-01T01:00:00.000Z',
    windowEnd: '2025-03-10T09:00:00.000Z',
    reference: 'GS-DECIDED',
  });
  await test.db
    .updateTable('notice')
    .set({ decision: 'certified', decidedAt: '2025-03-20T02:00:00.000Z' })
    .where('id', '=', decidedNoticeId)
    .execute();
  // 23:59 and 00:30 Beijing time on either side of the start of 26 November in Beijing.
  await receiveObjection('0AAAA-BBBBB-CCCC1', '2026-11-25T15:59:00.000Z', '售后电话无人接听，前一天晚上提交。');
  await receiveObjection('0AAAA-BBBBB-CCCC2', '2026-11-25T16:30:00.000Z', '维修等待超过两周, 配件"缺货"\n第二行说明。');
  await receiveObjection('0AAAA-BBBBB-CCCC3', '2026-11-26T02:00:00.000Z', '=HYPERLINK("http://evil.example","点击")');
  await receiveObjection('0AAAA-BBBBB-CCCC4', '2026-11-26T03:00:00.000Z', '另一家机构的公示下的意见。', otherNoticeId);
  await receiveObjection('0AAAA-BBBBB-CCCC5', '2025-03-05T03:00:00.000Z', '早已决定的公示下的意见。', decidedNoticeId);
});
afterAll(async () => {
  await test.remove();
  rmSync(folder, { recursive: true, force: true });
});

const trackingNumbers = (comments: { trackingNumber: string }[]) => comments.map((comment) => comment.trackingNumber);

// The tests start commands, processes of their own, which a loaded machine starts slowly.
describe('the staff export', { timeout: 180_000 }, () => {
  it('holds every comment since 00:00 Beijing time of the day given, with the personal data', async () => {
    const since = parseBeijingDayOrInstant('2026-11-26')!;
    expect(since.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    const comments = await exportComments(test.db, { ...ALL, since });
    expect(trackingNumbers(comments)).toEqual(['0AAAA-BBBBB-CCCC2', '0AAAA-BBBBB-CCCC3', '0AAAA-BBBBB-CCCC4']);
    expect(comments[0]).toMatchObject({
      noticeId,
      noticeReference: 'GS-HANDLING',
      bodyCode: 'TCB',
      submitterName: SUBMITTER.name,
      submitterContact: SUBMITTER.contact,
      submitterOrganisation: SUBMITTER.organisation,
      status: 'received',
      published: false,
    });
    expect(comments[0]).not.toHaveProperty('clientHash');
    expect(await exportComments(test.db, ALL)).toHaveLength(5);
    // An instant with its offset: from 10:00 Beijing time, which is when the third came in.
    expect(await exportComments(test.db, { ...ALL, since: parseBeijingDayOrInstant('2026-11-26T10:00:00+08:00') })).toHaveLength(2);
  });

  it("of one body's notices, or of one notice, holds those commenters only; an unknown body or notice is refused", async () => {
    expect(trackingNumbers(await exportComments(test.db, { ...ALL, bodyCode: 'OTHER' }))).toEqual(['0AAAA-BBBBB-CCCC4']);
    expect(trackingNumbers(await exportComments(test.db, { ...ALL, bodyCode: 'TCB', since: parseBeijingDayOrInstant('2026-11-26') }))).toEqual([
      '0AAAA-BBBBB-CCCC2',
      '0AAAA-BBBBB-CCCC3',
    ]);
    expect(trackingNumbers(await exportComments(test.db, { ...ALL, noticeReference: 'GS-DECIDED' }))).toEqual(['0AAAA-BBBBB-CCCC5']);
    await expect(exportComments(test.db, { ...ALL, bodyCode: 'NOPE' })).rejects.toMatchObject({
      problem: { code: 'body_not_found', bodyCode: 'NOPE' },
    });
    await expect(exportComments(test.db, { ...ALL, noticeReference: 'GS-NONE' })).rejects.toMatchObject({ problem: { code: 'notice_not_found' } });
  });

  it('as CSV: a byte order mark, quoted fields, Beijing times, and formulas defused', async () => {
    const csv = formatCommentExport(await exportComments(test.db, { ...ALL, bodyCode: 'TCB', noticeReference: 'GS-HANDLING' }), 'csv');
    expect(csv.startsWith('\uFEFFtracking_number,notice_id,notice_reference,body_code,kind,text,submitter_name,submitter_contact')).toBe(true);
    const rows = parseCsv<Record<string, string>>(csv, { bom: true, columns: true });
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({
      text: '维修等待超过两周, 配件"缺货"\n第二行说明。',
      submitter_name: SUBMITTER.name,
      received_at: '2026-11-26T00:30:00.000+08:00',
      published: '0',
    });
    expect(rows[2]!.text).toBe(`'=HYPERLINK("http://evil.example","点击")`);
  });

  it('as JSON: the same fields, published as a boolean', async () => {
    const records = JSON.parse(formatCommentExport(await exportComments(test.db, ALL), 'json'));
    expect(records.find((record: { tracking_number: string }) => record.tracking_number === '0AAAA-BBBBB-CCCC3')).toMatchObject({
      text: '=HYPERLINK("http://evil.example","点击")',
      published: false,
      submitter_contact: SUBMITTER.contact,
    });
  });

  it('is written by the command readable by its owner only, never over an existing file unless forced, and each one is recorded', async () => {
    const out = join(folder, 'comments.csv');
    const first = runCommand('comments', ['export', '--since', '2026-11-26', '--body', 'tcb', '--format', 'csv', '--out', out], test);
    expect(first.stdout).toContain(`已将 2 条意见及其提交人的个人信息写入 ${out}（仅您本人可读）`);
    expect(first.status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain(SUBMITTER.contact);

    const again = runCommand('comments', ['export', '--format', 'json', '--out', out], test, ENGLISH);
    expect(again.status).toBe(2);
    expect(again.stdout).toContain(`${out} exists already; give another file name, or --force to replace it.`);

    writeFileSync(out, 'old', { mode: 0o644 });
    const forced = runCommand('comments', ['export', '--notice', 'GS-OTHER', '--format', 'json', '--out', out, '--force', '--lang', 'en'], test);
    expect(forced.stdout).toContain(`Wrote 1 comments with their submitters' personal data to ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(1);

    expect(runCommand('comments', ['export', '--since', 'yesterday', '--format', 'csv', '--out', join(folder, 'x.csv')], test).status).toBe(2);
    const unknownBody = runCommand('comments', ['export', '--body', 'NOPE', '--format', 'csv', '--out', join(folder, 'none.csv')], test);
    expect(unknownBody.status).toBe(1);
    expect(unknownBody.stdout).toContain('找不到代码为 NOPE 的认证机构。');

    // The audit: when, who, the filter and how many, newest first; nothing of the commenters.
    const audit = await test.db.selectFrom('commentExport').selectAll().orderBy('id').execute();
    expect(audit).toEqual([
      expect.objectContaining({
        osUser: userInfo().username,
        since: '2026-11-25T16:00:00.000Z',
        bodyCode: 'TCB',
        noticeReference: null,
        format: 'csv',
        commentCount: 2,
        file: out,
      }),
      expect.objectContaining({
        osUser: userInfo().username,
        since: null,
        bodyCode: null,
        noticeReference: 'GS-OTHER',
        format: 'json',
        commentCount: 1,
        file: out,
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(SUBMITTER.name);
    expect(JSON.stringify(audit)).not.toContain(SUBMITTER.contact);

    const listed = runCommand('comments', ['exports'], test);
    expect(listed.status).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toBe('时间 | 操作系统用户 | 筛选条件 | 意见条数 | 格式 | 文件');
    expect(lines[1]).toMatch(new RegExp(`（北京时间） \\| ${userInfo().username} \\| 公示 GS-OTHER \\| 1 条 \\| json \\| `));
    expect(lines[2]).toContain(`| ${userInfo().username} | 认证机构 TCB，2026年11月26日 00:00（北京时间）起收到的 | 2 条 | csv |`);
    const english = runCommand('comments', ['exports', '--lang', 'en'], test);
    expect(english.stdout).toContain(`| ${userInfo().username} | body TCB, received since 26 Nov 2026, 00:00 (Beijing time) | 2 | csv |`);
  });
});

describe('answering a comment', { timeout: 180_000 }, () => {
  it('moves it along by the tracking number as typed, stamps it, and leaves it unpublished until told', async () => {
    const tracked = await answerComment(test.db, ' 0aaaa bbbbb cccc1 ', { status: 'under_review', publish: false }, NOW);
    expect(tracked).toMatchObject({
      trackingNumber: '0AAAA-BBBBB-CCCC1',
      status: 'under_review',
      reply: null,
      published: false,
      updatedAt: NOW.toISOString(),
    });
    expect((await findNotice(test.db, noticeId))!.publishedComments).toHaveLength(0);
  });

  it('publishes the text and the reply on the notice, never the submitter; --publish alone on an answered comment keeps its status', async () => {
    const later = new Date(NOW.getTime() + 60_000);
    const tracked = await answerComment(
      test.db,
      '0AAAA-BBBBB-CCCC1',
      { status: 'answered', reply: '  经核查，已要求企业整改并公开服务电话。 ', publish: false },
      later,
    );
    expect(tracked).toMatchObject({
      status: 'answered',
      reply: '经核查，已要求企业整改并公开服务电话。',
      published: false,
      updatedAt: later.toISOString(),
    });

    const run = runCommand('comments', ['answer', '0AAAA-BBBBB-CCCC1', '--publish'], test);
    expect(run.stdout).toBe(`意见 0AAAA-BBBBB-CCCC1（公示 GS-HANDLING）：已答复（answered），有答复，已在 /notices/${noticeId} 公开。\n`);
    expect(run.status).toBe(0);
    const notice = await findNotice(test.db, noticeId);
    expect(notice!.publishedComments).toEqual([
      {
        kind: 'objection',
        text: '售后电话无人接听，前一天晚上提交。',
        receivedOn: '2026-11-25',
        status: 'answered',
        reply: '经核查，已要求企业整改并公开服务电话。',
        finding: null,
      },
    ]);
    expect(JSON.stringify(notice)).not.toContain(SUBMITTER.name);
    expect(JSON.stringify(notice)).not.toContain(SUBMITTER.contact);

    // A later status change keeps the reply and the publication.
    const reopened = await answerComment(test.db, '0AAAA-BBBBB-CCCC1', { status: 'under_review', publish: false }, later);
    expect(reopened).toMatchObject({ reply: '经核查，已要求企业整改并公开服务电话。', published: true });
  });

  it('refuses to answer or reject without a reply, an unknown or malformed tracking number, and changes nothing', async () => {
    await expect(answerComment(test.db, '0AAAA-BBBBB-CCCC2', { status: 'answered', publish: true }, NOW)).rejects.toMatchObject({
      problem: { code: 'reply_required', status: 'answered' },
    });
    await expect(answerComment(test.db, '0AAAA-BBBBB-CCCC2', { status: 'rejected', publish: false }, NOW)).rejects.toMatchObject({
      problem: { code: 'reply_required', status: 'rejected' },
    });
    await expect(answerComment(test.db, '0AAAA-BBBBB-CCCC2', { status: 'rejected', reply: '   ', publish: false }, NOW)).rejects.toMatchObject({
      problem: { code: 'invalid_reply' },
    });
    await expect(answerComment(test.db, 'ZZZZZ-ZZZZZ-ZZZZZ', { status: 'rejected', reply: '理由', publish: false }, NOW)).rejects.toMatchObject({
      problem: { code: 'comment_not_found' },
    });
    await expect(answerComment(test.db, 'not-a-number', { status: 'rejected', publish: false }, NOW)).rejects.toMatchObject({
      problem: { code: 'invalid_tracking_number' },
    });
    expect(await findCommentByTrackingNumber(test.db, '0AAAA-BBBBB-CCCC2')).toMatchObject({
      status: 'received',
      published: false,
      updatedAt: '2026-11-25T16:30:00.000Z',
    });
  });

  it('from the command line, in Chinese or English, with the statuses spelt with dashes', async () => {
    const reasonless = runCommand('comments', ['answer', '0aaaa-bbbbb-cccc2', '--status', 'rejected'], test);
    expect(reasonless.status).toBe(1);
    expect(reasonless.stdout).toBe('意见 0AAAA-BBBBB-CCCC2 不予受理时须用 --reply 说明理由。\n');
    expect(reasonless.stderr).toBe('');
    const run = runCommand(
      'comments',
      ['answer', '0aaaa-bbbbb-cccc2', '--status', 'rejected', '--reply', '不属于本次公示的认证范围。'],
      test,
      ENGLISH,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Comment 0AAAA-BBBBB-CCCC2 on notice GS-HANDLING: Not accepted (rejected), with a reply, not published.');
    const usage = runCommand('comments', ['answer', '0AAAA-BBBBB-CCCC2', '--status', 'done'], test);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--status 应为 under-review、answered、rejected 之一');
    expect(runCommand('comments', ['answer', '0AAAA-BBBBB-CCCC2'], test).stderr).toContain('请至少给出 --status、--reply 或 --publish 之一。');
    const unknown = runCommand('comments', ['answer', 'ZZZZZ-ZZZZZ-ZZZZZ', '--status', 'under-review', '--lang', 'en'], test);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain('No comment has the tracking number ZZZZZ-ZZZZZ-ZZZZZ.');
  });

  // SQLite's one write lock (PostgreSQL locks rows, and has no lock of the whole database to wait behind).
  it.runIf(TEST_DIALECT === 'sqlite')(
    'while another process holds the write lock: waits for it, or past PORTAL_WRITE_WAIT says the comment was not changed, exit 1, no stack trace',
    async () => {
      const waited = await holdWriteLock(test.path, 1000);
      const answered = await startCommand('comments', ['answer', '0AAAA-BBBBB-CCCC3', '--status', 'under-review'], test);
      expect(Date.now()).toBeGreaterThanOrEqual(await waited.released);
      expect(answered.status).toBe(0);
      expect((await findCommentByTrackingNumber(test.db, '0AAAA-BBBBB-CCCC3'))!.status).toBe('under_review');

      const busy = await whileWriteLocked(test.path, () =>
        startCommand('comments', ['answer', '0AAAA-BBBBB-CCCC3', '--status', 'rejected', '--reply', '理由'], test, { PORTAL_WRITE_WAIT: '1' }),
      );
      expect(busy.status).toBe(1);
      expect(busy.stdout).toMatch(
        /^数据库忙（另一个程序占用写锁，已等待 1 秒），意见 0AAAA-BBBBB-CCCC3 未作任何更改（SQLITE_BUSY: .*）。请稍后再试。\n$/,
      );
      expect(busy.stderr).toBe('');
      expect((await findCommentByTrackingNumber(test.db, '0AAAA-BBBBB-CCCC3'))!.status).toBe('under_review');
    },
  );
});

describe('erasing personal data no longer needed', { timeout: 180_000 }, () => {
  it('empties names, contacts and organisations of comments on notices decided before the date, keeps the comments, and says so', async () => {
    const run = runCommand('comments', ['purge', '--decided-before', '2025-06-01'], test);
    expect(run.stdout).toBe('已清除 1 条公示（决定日期早于 2025-06-01）下 1 条意见的提交人姓名、联系方式和单位；意见内容、状态和答复保留。\n');
    expect(run.status).toBe(0);
    const erased = await test.db.selectFrom('comment').selectAll().where('trackingNumber', '=', '0AAAA-BBBBB-CCCC5').executeTakeFirstOrThrow();
    expect(erased).toMatchObject({
      submitterName: '',
      submitterContact: '',
      submitterOrganisation: null,
      text: '早已决定的公示下的意见。',
      personalDataErasedAt: expect.any(String),
    });
    // Comments on undecided notices keep theirs.
    const kept = await test.db.selectFrom('comment').select('submitterName').where('personalDataErasedAt', 'is', null).execute();
    expect(kept.map((row) => row.submitterName)).toEqual([SUBMITTER.name, SUBMITTER.name, SUBMITTER.name, SUBMITTER.name]);
    // The export says when; nothing of the person is left anywhere in the row.
    const [exported] = JSON.parse(formatCommentExport(await exportComments(test.db, { ...ALL, noticeReference: 'GS-DECIDED' }), 'json'));
    expect(exported).toMatchObject({ submitter_name: '', submitter_contact: '', personal_data_erased_at: expect.stringMatching(/\+08:00$/) });
    const { rows } = await sql<Record<string, unknown>>`select * from comment where tracking_number = '0AAAA-BBBBB-CCCC5'`.execute(test.db);
    expect(JSON.stringify(rows)).not.toContain(SUBMITTER.name);
    expect(JSON.stringify(rows)).not.toContain(SUBMITTER.contact);

    const again = runCommand('comments', ['purge', '--decided-before', '2025-06-01', '--lang', 'en'], test);
    expect(again.stdout).toBe('No comment on a notice decided before 2025-06-01 has personal data left to erase.\n');
    expect(await erasePersonalData(test.db, new Date('2025-03-20T02:00:00.000Z'), NOW)).toEqual({ comments: 0, notices: 0 });
  });

  it('refuses a date that is no date or lies in the future', () => {
    expect(runCommand('comments', ['purge', '--decided-before', '2999-01-01'], test).status).toBe(2);
    const bad = runCommand('comments', ['purge'], test, ENGLISH);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--decided-before must be a Beijing date written YYYY-MM-DD, today or earlier');
  });
});
