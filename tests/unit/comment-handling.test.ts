import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerComment, exportComments, formatCommentExport } from '../../src/lib/comments/handling.ts';
import { findCommentByTrackingNumber } from '../../src/lib/comments/tracking.ts';
import { findNotice } from '../../src/lib/notices/repository.ts';
import { parseBeijingDayOrInstant } from '../../src/lib/time/instant.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCommand } from '../support/back-office.ts';
import { insertBodyAndScheme, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';

const SUBMITTER = { name: '隐私姓名测试丙', contact: 'bingbing@example.cn', organisation: '某某消费者协会' };
const NOW = new Date('2026-11-26T08:00:00.000Z');

let test: TestDatabase;
let noticeId: number;
let folder: string;

/** A comment as submitComment stores it; the tracking numbers are fixed so tests can type them. */
async function insertComment(trackingNumber: string, receivedAt: string, text: string): Promise<void> {
  await test.db
    .insertInto('comment')
    .values({
      noticeId,
      trackingNumber,
      idempotencyKey: `key-${trackingNumber}`,
      kind: 'objection',
      text,
      submitterName: SUBMITTER.name,
      submitterContact: SUBMITTER.contact,
      submitterOrganisation: SUBMITTER.organisation,
      status: 'received',
      reply: null,
      published: 0,
      receivedAt,
      updatedAt: receivedAt,
    })
    .execute();
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'portal-comments-'));
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const applicant = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  noticeId = await insertNotice(test.db, ground, { organisationId: applicant, windowStart: '2026-11-20T01:00:00.000Z', windowEnd: '2026-11-30T09:00:00.000Z', reference: 'GS-HANDLING' });
  // 23:59 and 00:30 Beijing time on either side of the start of 26 November in Beijing.
  await insertComment('0AAAA-BBBBB-CCCC1', '2026-11-25T15:59:00.000Z', '售后电话无人接听，前一天晚上提交。');
  await insertComment('0AAAA-BBBBB-CCCC2', '2026-11-25T16:30:00.000Z', '维修等待超过两周, 配件"缺货"\n第二行说明。');
  await insertComment('0AAAA-BBBBB-CCCC3', '2026-11-26T02:00:00.000Z', '=HYPERLINK("http://evil.example","点击")');
});
afterAll(async () => {
  await test.remove();
  rmSync(folder, { recursive: true, force: true });
});

describe('the staff export', () => {
  it('holds every comment since 00:00 Beijing time of the day given, with the personal data', async () => {
    const since = parseBeijingDayOrInstant('2026-11-26')!;
    expect(since.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    const comments = await exportComments(test.db, since);
    expect(comments.map((comment) => comment.trackingNumber)).toEqual(['0AAAA-BBBBB-CCCC2', '0AAAA-BBBBB-CCCC3']);
    expect(comments[0]).toMatchObject({
      noticeId,
      noticeReference: 'GS-HANDLING',
      submitterName: SUBMITTER.name,
      submitterContact: SUBMITTER.contact,
      submitterOrganisation: SUBMITTER.organisation,
      status: 'received',
      published: false,
    });
    expect(comments[0]).not.toHaveProperty('clientHash');
    expect(await exportComments(test.db, null)).toHaveLength(3);
    // An instant with its offset: from 10:00 Beijing time, which is when the third came in.
    expect(await exportComments(test.db, parseBeijingDayOrInstant('2026-11-26T10:00:00+08:00'))).toHaveLength(1);
    expect(await exportComments(test.db, parseBeijingDayOrInstant('2026-11-26T02:00:00.001Z'))).toHaveLength(0);
  });

  it('as CSV: a byte order mark, quoted fields, Beijing times, and formulas defused', async () => {
    const csv = formatCommentExport(await exportComments(test.db, null), 'csv');
    expect(csv.startsWith('\uFEFFtracking_number,notice_id,notice_reference,kind,text,submitter_name,submitter_contact')).toBe(true);
    const rows = parseCsv<Record<string, string>>(csv, { bom: true, columns: true });
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({ text: '维修等待超过两周, 配件"缺货"\n第二行说明。', submitter_name: SUBMITTER.name, received_at: '2026-11-26T00:30:00.000+08:00', published: '0' });
    expect(rows[2]!.text).toBe(`'=HYPERLINK("http://evil.example","点击")`);
  });

  it('as JSON: the same fields, published as a boolean', async () => {
    const records = JSON.parse(formatCommentExport(await exportComments(test.db, null), 'json'));
    expect(records[2]).toMatchObject({ tracking_number: '0AAAA-BBBBB-CCCC3', text: '=HYPERLINK("http://evil.example","点击")', published: false, submitter_contact: SUBMITTER.contact });
  });

  it('is written by the command readable by its owner only, and never over an existing file unless forced', async () => {
    const out = join(folder, 'comments.csv');
    const first = runCommand('comments', ['export', '--since', '2026-11-26', '--format', 'csv', '--out', out], test.path);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Wrote 2 comments');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain(SUBMITTER.contact);

    const again = runCommand('comments', ['export', '--format', 'json', '--out', out], test.path);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('exists already');

    writeFileSync(out, 'old', { mode: 0o644 });
    const forced = runCommand('comments', ['export', '--format', 'json', '--out', out, '--force'], test.path);
    expect(forced.status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(3);

    expect(runCommand('comments', ['export', '--since', 'yesterday', '--format', 'csv', '--out', join(folder, 'x.csv')], test.path).status).toBe(2);
  });
});

describe('answering a comment', () => {
  it('moves it along by the tracking number as typed, stamps it, and leaves it unpublished until told', async () => {
    const tracked = await answerComment(test.db, ' 0aaaa bbbbb cccc1 ', { status: 'under_review', publish: false }, NOW);
    expect(tracked).toMatchObject({ trackingNumber: '0AAAA-BBBBB-CCCC1', status: 'under_review', reply: null, published: false, updatedAt: NOW.toISOString() });
    expect((await findNotice(test.db, noticeId))!.publishedComments).toHaveLength(0);
  });

  it('publishes the text and the reply on the notice, never the submitter', async () => {
    const later = new Date(NOW.getTime() + 60_000);
    const tracked = await answerComment(test.db, '0AAAA-BBBBB-CCCC1', { status: 'answered', reply: '  经核查，已要求企业整改并公开服务电话。 ', publish: true }, later);
    expect(tracked).toMatchObject({ status: 'answered', reply: '经核查，已要求企业整改并公开服务电话。', published: true, updatedAt: later.toISOString() });
    const notice = await findNotice(test.db, noticeId);
    expect(notice!.publishedComments).toEqual([
      { kind: 'objection', text: '售后电话无人接听，前一天晚上提交。', receivedOn: '2026-11-25', status: 'answered', reply: '经核查，已要求企业整改并公开服务电话。' },
    ]);
    expect(JSON.stringify(notice)).not.toContain(SUBMITTER.name);
    expect(JSON.stringify(notice)).not.toContain(SUBMITTER.contact);

    // A later status change keeps the reply and the publication.
    const reopened = await answerComment(test.db, '0AAAA-BBBBB-CCCC1', { status: 'under_review', publish: false }, later);
    expect(reopened).toMatchObject({ reply: '经核查，已要求企业整改并公开服务电话。', published: true });
  });

  it('refuses an answer without a reply, an unknown or malformed tracking number, and changes nothing', async () => {
    await expect(answerComment(test.db, '0AAAA-BBBBB-CCCC2', { status: 'answered', publish: true }, NOW)).rejects.toMatchObject({ code: 'reply_required' });
    await expect(answerComment(test.db, '0AAAA-BBBBB-CCCC2', { status: 'rejected', reply: '   ', publish: false }, NOW)).rejects.toMatchObject({ code: 'invalid_reply' });
    await expect(answerComment(test.db, 'ZZZZZ-ZZZZZ-ZZZZZ', { status: 'rejected', publish: false }, NOW)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(answerComment(test.db, 'not-a-number', { status: 'rejected', publish: false }, NOW)).rejects.toMatchObject({ code: 'invalid_tracking_number' });
    expect(await findCommentByTrackingNumber(test.db, '0AAAA-BBBBB-CCCC2')).toMatchObject({ status: 'received', published: false, updatedAt: '2026-11-25T16:30:00.000Z' });
  });

  it('from the command line, with the statuses spelt with dashes', async () => {
    const run = runCommand('comments', ['answer', '0aaaa-bbbbb-cccc2', '--status', 'rejected', '--reply', '不属于本次公示的认证范围。'], test.path);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Comment 0AAAA-BBBBB-CCCC2 on notice GS-HANDLING: 不予受理 (rejected), with a reply, not published.');
    expect(runCommand('comments', ['answer', '0AAAA-BBBBB-CCCC2', '--status', 'done'], test.path).status).toBe(2);
    const unknown = runCommand('comments', ['answer', 'ZZZZZ-ZZZZZ-ZZZZZ', '--status', 'under-review'], test.path);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No comment has the tracking number ZZZZZ-ZZZZZ-ZZZZZ.');
  });
});
