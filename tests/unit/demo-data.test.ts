import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENTS_PER_NOTICE } from '../../scripts/demo/comments.ts';
import { seedDemoData, type DemoDataOptions } from '../../scripts/demo/generate.ts';
import { parseTrackingNumber } from '../../src/lib/domain/comments/tracking-number.ts';
import { statusFromHistory, statusOnDay } from '../../src/lib/domain/certificates/status.ts';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { migrateToLatest } from '../../src/lib/db/migrate.ts';
import { openDatabase } from '../../src/lib/db/sqlite.ts';
import { CERTIFICATE_STATUSES } from '../../src/lib/db/registry.table.ts';
import { findUsccProblem, usccCheckCharacter } from '../../src/lib/ground/organisations/uscc.ts';
import { certificateNumberKey, toSearchForm } from '../../src/lib/ground/text/normalise.ts';
import { beijingDate } from '../../src/lib/ground/time/beijing.ts';

const NOW = new Date('2026-11-26T04:00:00Z');
const ANCHOR_DAY = beijingDate(NOW);
const OPTIONS: DemoDataOptions = { certificates: 300, notices: 60, seed: 20261126, now: NOW };

interface SeededDatabase {
  db: PortalDb;
  remove: () => Promise<void>;
}

async function seededDatabase(options: DemoDataOptions): Promise<SeededDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'portal-demo-'));
  const db = openDatabase(join(folder, 'portal.db'));
  await migrateToLatest(db);
  await seedDemoData(db, options);
  return {
    db,
    remove: async () => {
      await db.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function dump(db: PortalDb) {
  return {
    bodies: await db.selectFrom('certificationBody').selectAll().orderBy('id').execute(),
    levels: await db.selectFrom('schemeLevel').selectAll().orderBy('id').execute(),
    organisations: await db.selectFrom('organisation').selectAll().orderBy('id').execute(),
    certificates: await db.selectFrom('certificate').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('certificateEvent').selectAll().orderBy('id').execute(),
    notices: await db.selectFrom('notice').selectAll().orderBy('id').execute(),
    comments: await db.selectFrom('comment').selectAll().orderBy('id').execute(),
  };
}

let seeded: SeededDatabase;
let data: Awaited<ReturnType<typeof dump>>;

beforeAll(async () => {
  seeded = await seededDatabase(OPTIONS);
  data = await dump(seeded.db);
});

afterAll(async () => {
  await seeded?.remove();
});

describe('demo data generator', () => {
  it('writes identical rows for the same seed and any instant of the same Beijing day', async () => {
    // 00:30 on the same Beijing day, but still the previous day in UTC.
    const again = await seededDatabase({ ...OPTIONS, now: new Date('2026-11-25T16:30:00Z') });
    try {
      expect(await dump(again.db)).toEqual(data);
    } finally {
      await again.remove();
    }
  });

  it('writes different data for a different seed', async () => {
    const other = await seededDatabase({ ...OPTIONS, seed: OPTIONS.seed + 1 });
    try {
      const numbers = (await dump(other.db)).certificates.map((certificate) => certificate.number);
      expect(numbers).not.toEqual(data.certificates.map((certificate) => certificate.number));
    } finally {
      await other.remove();
    }
  });

  it('creates the requested number of certificates, notices and comments, with several certificates per holder on average', () => {
    expect(data.certificates).toHaveLength(OPTIONS.certificates);
    expect(data.notices).toHaveLength(OPTIONS.notices);
    expect(data.comments).toHaveLength(OPTIONS.notices * COMMENTS_PER_NOTICE);
    const holders = new Set(data.certificates.map((certificate) => certificate.organisationId));
    const perHolder = data.certificates.length / holders.size;
    expect(perHolder).toBeGreaterThanOrEqual(1.3);
    expect(perHolder).toBeLessThanOrEqual(2);
  });

  it('gives every organisation a unique, valid USCC and its name in search form', () => {
    for (const organisation of data.organisations) {
      expect(findUsccProblem(organisation.uscc)).toBeNull();
      expect(organisation.uscc[17]).toBe(usccCheckCharacter(organisation.uscc.slice(0, 17)));
      expect(organisation.uscc.slice(0, 2)).toBe('91');
      expect(organisation.nameSearch).toBe(toSearchForm(organisation.name));
    }
    expect(new Set(data.organisations.map((organisation) => organisation.uscc)).size).toBe(data.organisations.length);
    expect(new Set(data.organisations.map((organisation) => organisation.province)).size).toBeGreaterThanOrEqual(20);
  });

  it('keeps certificate numbers and their keys unique', () => {
    for (const certificate of data.certificates) {
      expect(certificate.number).toMatch(/^[A-Z]{2,5}-[A-Z]{2}-\d{2}-\d{6}$/);
      expect(certificate.numberKey).toBe(certificateNumberKey(certificate.number));
    }
    expect(new Set(data.certificates.map((certificate) => certificate.numberKey)).size).toBe(data.certificates.length);
  });

  it('stores every status, and some valid or suspended certificates that are expired on the anchor day', () => {
    const stored = new Set(data.certificates.map((certificate) => certificate.status));
    expect([...stored].sort()).toEqual([...CERTIFICATE_STATUSES].sort());
    const expired = data.certificates.filter((certificate) => statusOnDay(certificate.status, certificate.expiresOn, ANCHOR_DAY) === 'expired');
    expect(expired.length).toBeGreaterThan(0);
    expect(new Set(expired.map((certificate) => certificate.status))).toEqual(new Set(['valid', 'suspended']));
  });

  it('replays each certificate history to its stored status, end date, level and scope', () => {
    const eventsByCertificate = new Map<number, (typeof data.events)[number][]>();
    for (const event of data.events) {
      const events = eventsByCertificate.get(event.certificateId) ?? [];
      events.push(event);
      eventsByCertificate.set(event.certificateId, events);
    }
    for (const certificate of data.certificates) {
      const events = (eventsByCertificate.get(certificate.id) ?? []).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id - b.id);
      expect(events[0]?.kind).toBe('issued');
      expect(beijingDate(new Date(events[0]!.occurredAt))).toBe(certificate.firstIssuedOn);
      const lastIssue = events.filter((event) => event.kind === 'issued' || event.kind === 'recertified').at(-1)!;
      expect(beijingDate(new Date(lastIssue.occurredAt))).toBe(certificate.issuedOn);

      const replayed = statusFromHistory(events, ANCHOR_DAY);
      expect(replayed).toEqual({
        status: statusOnDay(certificate.status, certificate.expiresOn, ANCHOR_DAY),
        expiresOn: certificate.expiresOn,
        levelCode: certificate.levelCode,
        scope: certificate.scope,
      });
    }
  });

  it('dates no event, publication or decision after now', () => {
    const now = NOW.toISOString();
    for (const event of data.events) expect(event.occurredAt <= now).toBe(true);
    for (const notice of data.notices) {
      expect(notice.publishedAt <= now).toBe(true);
      if (notice.decidedAt !== null) expect(notice.decidedAt <= now).toBe(true);
    }
  });

  it('has notices open, upcoming and closed at now, each window opening the day after publication', () => {
    const now = NOW.toISOString();
    const published = data.notices.filter((notice) => notice.status === 'published');
    const open = published.filter((notice) => notice.windowStart <= now && now < notice.windowEnd);
    const upcoming = published.filter((notice) => notice.windowStart > now);
    const closed = published.filter((notice) => notice.windowEnd <= now);
    expect(open.length).toBeGreaterThanOrEqual(3);
    expect(upcoming.length).toBeGreaterThanOrEqual(3);
    expect(closed.length).toBeGreaterThanOrEqual(3);
    for (const notice of data.notices) {
      expect(notice.windowEnd > notice.windowStart).toBe(true);
      const publishedOn = beijingDate(new Date(notice.publishedAt));
      expect(beijingDate(new Date(notice.windowStart)) > publishedOn).toBe(true);
    }
    for (const notice of [...open, ...upcoming]) expect(notice.decision).toBe('pending');
  });

  it('gives a share of the notices comments, each received inside its window and before now, some notices many', () => {
    const notices = new Map(data.notices.map((notice) => [notice.id, notice]));
    const perNotice = new Map<number, number>();
    for (const comment of data.comments) {
      const notice = notices.get(comment.noticeId)!;
      expect(notice.status).toBe('published');
      expect(comment.receivedAt >= notice.windowStart && comment.receivedAt < notice.windowEnd).toBe(true);
      expect(comment.receivedAt < NOW.toISOString()).toBe(true);
      expect(comment.updatedAt >= comment.receivedAt && comment.updatedAt < NOW.toISOString()).toBe(true);
      // Still open: nothing has been answered yet.
      if (notice.windowEnd > NOW.toISOString()) expect(['received', 'under_review']).toContain(comment.status);
      perNotice.set(comment.noticeId, (perNotice.get(comment.noticeId) ?? 0) + 1);
    }
    expect(perNotice.size).toBeGreaterThan(1);
    expect(perNotice.size).toBeLessThan(data.notices.length / 2);
    expect(Math.max(...perNotice.values())).toBeGreaterThanOrEqual(5);
    expect(new Set(data.comments.map((comment) => comment.trackingNumber)).size).toBe(data.comments.length);
    for (const comment of data.comments) expect(parseTrackingNumber(comment.trackingNumber)).toBe(comment.trackingNumber);
  });

  it('links each certified notice to a certificate of the same holder and scheme, decided after the window closed', () => {
    const certificates = new Map(data.certificates.map((certificate) => [certificate.id, certificate]));
    const certified = data.notices.filter((notice) => notice.decision === 'certified');
    expect(certified.length).toBeGreaterThan(0);
    for (const notice of certified) {
      const certificate = certificates.get(notice.certificateId!);
      expect(certificate?.organisationId).toBe(notice.organisationId);
      expect(certificate?.schemeId).toBe(notice.schemeId);
      expect(notice.decidedAt! > notice.windowEnd).toBe(true);
    }
  });
});
