import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashClient, hashContact, readClientSalt } from '../../src/lib/domain/comments/client.ts';
import { normaliseContact } from '../../src/lib/domain/comments/inputs.ts';
import { clientAddressOf } from '../../src/lib/web/http/client-address.ts';
import { parseCommentForm } from '../../src/lib/domain/comments/form.ts';
import type { DomainError } from '../../src/lib/ground/errors.ts';
import { errorMessageFor } from '../../src/lib/i18n/messages.ts';
import { absorbRobotSubmission, RATE_LIMITS, submitComment, type CommentSubmission } from '../../src/lib/domain/comments/submit.ts';
import { newTrackingNumber, parseTrackingNumber } from '../../src/lib/domain/comments/tracking-number.ts';
import { findCommentByTrackingNumber } from '../../src/lib/domain/comments/tracking.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';

const START = '2026-11-20T01:00:00.000Z';
const END = '2026-11-30T09:00:00.000Z';
const at = (iso: string, offsetMs = 0) => new Date(Date.parse(iso) + offsetMs);

let test: TestDatabase;
let openNotice: number;
let withdrawnNotice: number;
let secondOpenNotice: number;
let sequence = 0;

function submission(overrides: Partial<CommentSubmission> = {}): CommentSubmission {
  sequence += 1;
  return {
    noticeId: openNotice,
    kind: 'objection',
    text: '该企业的售后电话经常无人接听，评价结果不可信。',
    name: '张三',
    contact: '13800138000',
    organisation: null,
    consent: 'yes',
    idempotencyKey: `key-${sequence}-${'x'.repeat(16)}`,
    clientHash: `client-${sequence}`,
    contactHash: `contact-${sequence}`,
    ...overrides,
  };
}

const commentCount = async () =>
  Number(
    (
      await test.db
        .selectFrom('comment')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const applicant = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  openNotice = await insertNotice(test.db, ground, { organisationId: applicant, windowStart: START, windowEnd: END, reference: 'GS-OPEN' });
  secondOpenNotice = await insertNotice(test.db, ground, { organisationId: applicant, windowStart: START, windowEnd: END, reference: 'GS-OPEN-2' });
  withdrawnNotice = await insertNotice(test.db, ground, {
    organisationId: applicant,
    windowStart: START,
    windowEnd: END,
    reference: 'GS-WITHDRAWN',
    status: 'withdrawn',
  });
});
afterAll(() => test.remove());

describe('the window decides, to the millisecond', () => {
  it('refuses a comment 1 ms before the window starts, and stores nothing', async () => {
    const before = await commentCount();
    await expect(submitComment(test.db, submission(), at(START, -1))).rejects.toMatchObject({ kind: 'conflict', code: 'window_closed' });
    expect(await commentCount()).toBe(before);
  });

  it('accepts a comment at the first millisecond of the window', async () => {
    const receipt = await submitComment(test.db, submission(), at(START));
    expect(receipt.repeated).toBe(false);
    expect(receipt.receivedAt).toBe(START);
  });

  it('accepts a comment 1 ms before the window ends', async () => {
    await expect(submitComment(test.db, submission(), at(END, -1))).resolves.toMatchObject({ repeated: false });
  });

  it('refuses a comment at the end instant, naming the window in Beijing time', async () => {
    const before = await commentCount();
    const refusal = submitComment(test.db, submission(), at(END));
    await expect(refusal).rejects.toMatchObject({ code: 'window_closed' });
    await expect(refusal).rejects.toSatisfy((error: DomainError) =>
      errorMessageFor(error, 'zh-CN').includes('2026年11月20日9时（北京时间） 至 2026年11月30日17时（北京时间）'),
    );
    expect(await commentCount()).toBe(before);
  });

  it('refuses a comment on a withdrawn notice even inside its window', async () => {
    await expect(submitComment(test.db, submission({ noticeId: withdrawnNotice }), at(START, 1000))).rejects.toMatchObject({
      code: 'notice_withdrawn',
    });
  });

  it('refuses a comment on a notice that does not exist', async () => {
    await expect(submitComment(test.db, submission({ noticeId: 999_999 }), at(START, 1000))).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('one comment per form', () => {
  it('stores a repeated post of the same form once and answers with the same tracking number', async () => {
    const form = submission();
    const before = await commentCount();
    const first = await submitComment(test.db, form, at(START, 5000));
    const again = await submitComment(test.db, form, at(START, 6000));
    expect(again).toEqual({ ...first, repeated: true });
    expect(await commentCount()).toBe(before + 1);
  });

  it("never answers someone else's receipt: the same form key with other content is a comment of its own", async () => {
    const first = await submitComment(test.db, submission({ idempotencyKey: 'shared-key-from-a-cached-page' }), at(START, 7000));
    const before = await commentCount();
    const other = await submitComment(
      test.db,
      submission({
        idempotencyKey: 'shared-key-from-a-cached-page',
        text: '另一个人写的另一条意见，内容完全不同。',
        name: '赵六',
        contact: '13700137000',
      }),
      at(START, 8000),
    );
    expect(other.repeated).toBe(false);
    expect(other.trackingNumber).not.toBe(first.trackingNumber);
    expect(await commentCount()).toBe(before + 1);
  });
});

const limitOf = (scope: string, windowMs: number) => RATE_LIMITS.find((limit) => limit.scope === scope && limit.windowMs === windowMs)!.max;
const TEN_MINUTES = 10 * 60_000;
const DAY = 24 * 60 * 60_000;

describe('rate limits per person and per address', () => {
  it(`allows one person (one contact) ${limitOf('contact', TEN_MINUTES)} comments in 10 minutes from any address, then answers with when to retry`, async () => {
    const contactHash = 'busy-person';
    const base = at(START, 60 * 60_000);
    for (let i = 0; i < limitOf('contact', TEN_MINUTES); i++) {
      await submitComment(test.db, submission({ contactHash }), new Date(base.getTime() + i * 1000));
    }
    const refusal = submitComment(test.db, submission({ contactHash }), new Date(base.getTime() + 60_000));
    await expect(refusal).rejects.toMatchObject({ kind: 'rate_limited', code: 'too_many_comments_from_contact', retryAfterSeconds: 9 * 60 });
    // Once the first has left the 10-minute window, one more fits.
    await expect(submitComment(test.db, submission({ contactHash }), new Date(base.getTime() + TEN_MINUTES + 1))).resolves.toBeDefined();
  });

  it(`lets ${limitOf('address', TEN_MINUTES)} people behind one address each comment within 10 minutes, and stops the next`, async () => {
    const clientHash = 'office-address';
    const base = at(START, 90 * 60_000);
    const limit = limitOf('address', TEN_MINUTES);
    for (let i = 0; i < limit; i++) {
      await expect(submitComment(test.db, submission({ clientHash }), new Date(base.getTime() + i * 1000))).resolves.toMatchObject({
        repeated: false,
      });
    }
    // The same address flooding with a new contact each time is stopped all the same.
    await expect(submitComment(test.db, submission({ clientHash }), new Date(base.getTime() + limit * 1000))).rejects.toMatchObject({
      kind: 'rate_limited',
      code: 'too_many_comments',
    });
  });

  it(`allows one person at most ${limitOf('contact_notice', DAY)} comments a day on one notice, and still others on another notice`, async () => {
    const contactHash = 'one-notice-person';
    const base = at(START, 5 * 60 * 60_000);
    for (let i = 0; i < limitOf('contact_notice', DAY); i++) {
      await submitComment(test.db, submission({ contactHash }), new Date(base.getTime() + i * 11 * 60_000));
    }
    const later = new Date(base.getTime() + limitOf('contact_notice', DAY) * 11 * 60_000);
    await expect(submitComment(test.db, submission({ contactHash }), later)).rejects.toMatchObject({
      kind: 'rate_limited',
      code: 'too_many_comments_from_contact',
    });
    await expect(submitComment(test.db, submission({ contactHash, noticeId: secondOpenNotice }), later)).resolves.toMatchObject({
      noticeId: secondOpenNotice,
    });
  });

  it(`holds one person under 20 submissions at once through two connections (two portal instances): ${limitOf('contact', TEN_MINUTES)} stored, the rest refused`, async () => {
    const contactHash = 'crowded-person';
    const now = at(START, 3 * DAY);
    const other = test.connect();
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => submitComment(i % 2 === 0 ? test.db : other, submission({ contactHash }), now)),
      );
      const stored = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as { kind?: string }] : []));
      expect(stored).toHaveLength(limitOf('contact', TEN_MINUTES));
      expect(refused.map((reason) => reason.kind)).toEqual(Array(20 - limitOf('contact', TEN_MINUTES)).fill('rate_limited'));
      const counted = await test.db.selectFrom('commentSubmission').select('id').where('contactHash', '=', contactHash).execute();
      expect(counted).toHaveLength(limitOf('contact', TEN_MINUTES));
    } finally {
      await other.destroy();
    }
  });

  it('holds one address to its limit under many people submitting at once through two connections', async () => {
    const clientHash = 'crowded-address';
    const now = at(START, 3 * DAY + 60_000);
    const limit = limitOf('address', TEN_MINUTES);
    const other = test.connect();
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: limit + 10 }, (_, i) => submitComment(i % 2 === 0 ? test.db : other, submission({ clientHash }), now)),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(limit);
      const counted = await test.db.selectFrom('commentSubmission').select('id').where('clientHash', '=', clientHash).execute();
      expect(counted).toHaveLength(limit);
    } finally {
      await other.destroy();
    }
  });

  it(`allows one person at most ${limitOf('contact', DAY)} comments a day`, async () => {
    const contactHash = 'steady-person';
    const base = at(START, 2 * DAY);
    const notices = [openNotice, secondOpenNotice];
    for (let i = 0; i < limitOf('contact', DAY); i++) {
      await submitComment(test.db, submission({ contactHash, noticeId: notices[i % 2]! }), new Date(base.getTime() + i * 11 * 60_000));
    }
    await expect(
      submitComment(
        test.db,
        submission({ contactHash, noticeId: secondOpenNotice }),
        new Date(base.getTime() + limitOf('contact', DAY) * 11 * 60_000),
      ),
    ).rejects.toMatchObject({ kind: 'rate_limited' });
  });

  it('counts a form a robot filled against its sender, stores nothing of it, and answers it like a comment', async () => {
    const clientHash = 'robot-client';
    const base = at(START, 3 * DAY + 2 * 60_000);
    const before = await commentCount();
    for (let i = 0; i < limitOf('address', TEN_MINUTES); i++) {
      const answer = await absorbRobotSubmission(test.db, clientHash, new Date(base.getTime() + i * 1000));
      expect(answer.trackingNumber).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    }
    expect(await commentCount()).toBe(before);
    await expect(submitComment(test.db, submission({ clientHash }), new Date(base.getTime() + 70_000))).rejects.toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('forgets who submitted after a day: no hash older than the longest limit is kept', async () => {
    await submitComment(test.db, submission({ clientHash: 'later-client' }), at(START, 4 * 24 * 60 * 60_000));
    const oldest = await test.db
      .selectFrom('commentSubmission')
      .select((eb) => eb.fn.min('submittedAt').as('first'))
      .executeTakeFirstOrThrow();
    expect(Date.parse(oldest.first!)).toBeGreaterThanOrEqual(Date.parse(START) + 3 * 24 * 60 * 60_000);
  });
});

describe('tracking numbers', () => {
  it('are 15 Crockford base32 symbols in three groups, distinct each time', () => {
    const numbers = Array.from({ length: 2000 }, newTrackingNumber);
    for (const number of numbers) expect(number).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){2}$/);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('are read back whatever the case, spacing, and O/0 or I/L/1 confusions', () => {
    expect(parseTrackingNumber('7k3mq 9qx2a bc4ef')).toBe('7K3MQ-9QX2A-BC4EF');
    expect(parseTrackingNumber('7K3MQ-9QX2A-BC4EO')).toBe('7K3MQ-9QX2A-BC4E0');
    expect(parseTrackingNumber('IL3MQ-9QX2A-BC4EF')).toBe('113MQ-9QX2A-BC4EF');
    expect(parseTrackingNumber('7K3MQ-9QX2A')).toBeNull();
    expect(parseTrackingNumber('7K3MQ-9QX2A-BC4EU')).toBeNull();
  });

  it("show the comment's status to whoever holds the number, without the submitter", async () => {
    const receipt = await submitComment(test.db, submission({ name: '李四隐私', contact: 'lisi@example.cn' }), at(START, 3000));
    const tracked = await findCommentByTrackingNumber(test.db, receipt.trackingNumber);
    expect(tracked).toMatchObject({ status: 'received', reply: null, notice: { id: openNotice, reference: 'GS-OPEN' } });
    expect(JSON.stringify(tracked)).not.toMatch(/李四隐私|lisi@example\.cn/);
  });
});

describe('the comment form', () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.set(name, value);
    return data;
  };
  const valid = {
    kind: 'objection',
    text: '该企业的售后电话经常无人接听。',
    name: '王五',
    contact: '+86 138-0013-8000',
    consent: 'yes',
    idempotencyKey: 'abcdefghijklmnop1234',
    website: '',
  };

  it('normalises the text to NFC and removes control characters', () => {
    const parsed = parseCommentForm(form({ ...valid, text: 'Cafe\u0301 售后\u0007服务\u202E电话无人接听 <b>x</b>' }));
    expect(parsed).toMatchObject({ outcome: 'valid', comment: { text: 'Café 售后服务电话无人接听 <b>x</b>', contact: '13800138000' } });
  });

  it('accepts a consent box sent without a value ("on"), as browsers send it', () => {
    expect(parseCommentForm(form({ ...valid, consent: 'on' }))).toMatchObject({ outcome: 'valid' });
    expect(parseCommentForm(form({ ...valid, consent: 'no' }))).toMatchObject({ outcome: 'invalid' });
  });

  it('accepts an e-mail address as contact', () => {
    expect(parseCommentForm(form({ ...valid, contact: 'wang.wu@example.cn' }))).toMatchObject({
      outcome: 'valid',
      comment: { contact: 'wang.wu@example.cn' },
    });
  });

  it('reports every problem at once: short text, bad contact, no consent, unknown kind', () => {
    const { consent: _, ...withoutConsent } = valid;
    const parsed = parseCommentForm(form({ ...withoutConsent, kind: 'praise', text: '太短', contact: '12345' }));
    expect(parsed.outcome).toBe('invalid');
    if (parsed.outcome === 'invalid') expect(Object.keys(parsed.fieldProblems).sort()).toEqual(['consent', 'contact', 'kind', 'text']);
  });

  it('refuses text over 5,000 characters', () => {
    const parsed = parseCommentForm(form({ ...valid, text: '长'.repeat(5001) }));
    expect(parsed).toMatchObject({ outcome: 'invalid', fieldProblems: { text: 'text_too_long' } });
  });

  it('tells a form whose hidden honeypot field was filled, valid or not', () => {
    expect(parseCommentForm(form({ ...valid, website: 'http://spam.example' }))).toEqual({ outcome: 'robot' });
    expect(parseCommentForm(form({ website: 'http://spam.example' }))).toEqual({ outcome: 'robot' });
  });

  it('gives back everything typed when a field is wrong, so the form can be shown again filled in', () => {
    const parsed = parseCommentForm(form({ ...valid, contact: 'not a contact' }));
    expect(parsed).toMatchObject({ outcome: 'invalid', typed: { name: '王五', contact: 'not a contact', text: valid.text } });
  });

  it('checks a crafted 60 KB contact in linear time (no backtracking pattern)', () => {
    const crafted = `a@${'a.'.repeat(30_000)}`;
    const started = performance.now();
    expect(normaliseContact(crafted)).toBeNull();
    expect(normaliseContact(`${'a@a.'.repeat(15_000)}`)).toBeNull();
    // Linear work on 60 KB is well under a millisecond; a backtracking pattern takes seconds to
    // hours. The bound is far from both, so a busy machine cannot fail it.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(normaliseContact('zhang.san@example.com.cn')).toBe('zhang.san@example.com.cn');
    expect(normaliseContact('zhang@san@example.cn')).toBeNull();
    expect(normaliseContact('zhang@example.c')).toBeNull();
  });
});

describe('network addresses', () => {
  it('are kept only as a salted hash, stable for one installation, with the salt in a private file beside the database', () => {
    const folder = mkdtempSync(join(tmpdir(), 'portal-salt-'));
    const saltFile = join(folder, 'portal.db.salt');
    const salt = readClientSalt(saltFile);
    expect(readClientSalt(saltFile)).toBe(salt);
    expect(statSync(saltFile).mode & 0o777).toBe(0o600);
    const first = hashClient(salt, '203.0.113.7');
    expect(first).not.toContain('203.0.113.7');
    expect(hashClient(salt, '203.0.113.7')).toBe(first);
    expect(hashClient(salt, '203.0.113.8')).not.toBe(first);
    expect(hashClient(readClientSalt(join(folder, 'other.db.salt')), '203.0.113.7')).not.toBe(first);
  });

  it('and contacts are counted as salted hashes too: one per person whatever the case of an e-mail, never equal to an address hash', () => {
    const salt = readClientSalt(join(mkdtempSync(join(tmpdir(), 'portal-salt-')), 'portal.db.salt'));
    const person = hashContact(salt, 'Li.Lei@Example.cn');
    expect(person).not.toContain('Li.Lei');
    expect(hashContact(salt, 'li.lei@example.cn')).toBe(person);
    expect(hashContact(salt, 'wang@example.cn')).not.toBe(person);
    expect(hashContact(salt, '13800138000')).not.toBe(hashClient(salt, '13800138000'));
  });

  it("are the socket's peer whatever X-Forwarded-For says, unless proxies are trusted", () => {
    expect(clientAddressOf('192.0.2.10', '198.51.100.1', 0)).toBe('192.0.2.10');
    expect(clientAddressOf('192.0.2.10', undefined, 1)).toBe('192.0.2.10');
  });

  it('behind N trusted proxies, are the Nth address from the right of X-Forwarded-For', () => {
    // The client wrote 6.6.6.6 itself; nginx appended the address it was reached from.
    expect(clientAddressOf('10.0.0.2', '6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    // A CDN in front of nginx: the CDN appended the client, nginx the CDN.
    expect(clientAddressOf('10.0.0.2', '6.6.6.6, 198.51.100.7, 203.0.113.50', 2)).toBe('198.51.100.7');
    expect(clientAddressOf('10.0.0.2', ['6.6.6.6', '198.51.100.7'], 1)).toBe('198.51.100.7');
  });

  it('count IPv4-mapped IPv6 as the IPv4 address, and IPv6 clients per /64', () => {
    expect(clientAddressOf('::ffff:192.0.2.10', undefined, 0)).toBe('192.0.2.10');
    expect(clientAddressOf('2001:db8:1:2:aaaa::1', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddressOf('2001:db8:1:2:bbbb:cccc:dddd:eeee', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddressOf('2001:db8::1', undefined, 0)).toBe('2001:db8:0:0::/64');
  });

  it('are null for a client that has already hung up', () => {
    expect(clientAddressOf(undefined, undefined, 0)).toBeNull();
  });
});
