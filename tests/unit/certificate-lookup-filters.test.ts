import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { LOOKUP_STATUSES, type LookupFilters } from '../../src/lib/domain/certificates/filters.ts';
import { LOOKUP_PAGE_SIZE, lookupCertificates } from '../../src/lib/domain/certificates/lookup.ts';
import { statusOnDay, type CertificateStatus } from '../../src/lib/domain/certificates/status.ts';
import { moveCertificateTallyForward } from '../../src/lib/domain/certificates/tally.ts';
import { HOLDER_MATCH_LIMIT } from '../../src/lib/db/holder-names.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/**
 * The lookup narrowed by status, scheme, province and body, valid first, with the count of
 * every filter value: checked against the registry read whole here, certificate by certificate.
 * Today is in the middle of a month, so some certificates lapsed this month (the tally's
 * month and the day's correction are both at work).
 */
const TODAY = '2026-11-16';
let test: TestDatabase;

interface Certificate {
  id: number;
  number: string;
  status: CertificateStatus;
  storedStatus: string;
  expiresOn: string;
  scheme: string;
  province: string;
  body: string;
  holderName: string;
}
let registry: Certificate[];

async function readRegistry(today = TODAY): Promise<Certificate[]> {
  const rows = await test.db
    .selectFrom('certificate')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .innerJoin('scheme', 'scheme.id', 'certificate.schemeId')
    .innerJoin('certificationBody', 'certificationBody.id', 'certificate.bodyId')
    .select([
      'certificate.id',
      'certificate.number',
      'certificate.status',
      'certificate.expiresOn',
      'scheme.code as scheme',
      'organisation.province',
      'certificationBody.code as body',
      'organisation.name as holderName',
    ])
    .execute();
  return rows.map((row) => ({ ...row, storedStatus: row.status, status: statusOnDay(row.status, row.expiresOn, today) }));
}

const FACETS = ['status', 'scheme', 'province', 'body'] as const;
const matches = (certificate: Certificate, filters: LookupFilters, except?: string) =>
  FACETS.every((facet) => facet === except || filters[facet] === undefined || certificate[facet] === filters[facet]);

/** The counts the page must show, computed from every certificate. */
function expectedFacets(certificates: Certificate[], filters: LookupFilters) {
  return Object.fromEntries(
    FACETS.map((facet) => {
      const counts = new Map<string, number>();
      for (const certificate of certificates)
        if (matches(certificate, filters, facet)) counts.set(certificate[facet], (counts.get(certificate[facet]) ?? 0) + 1);
      return [facet, Object.fromEntries([...counts].sort())];
    }),
  );
}
const shownFacets = (facets: Record<string, { value: string; count: number }[]>) =>
  Object.fromEntries(FACETS.map((facet) => [facet, Object.fromEntries(facets[facet]!.map((value) => [value.value, value.count]).sort())]));

const rank = (status: CertificateStatus) => LOOKUP_STATUSES.indexOf(status as (typeof LOOKUP_STATUSES)[number]);

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoData(test.db, { certificates: 1500, notices: 0, seed: 7, now: new Date(`${TODAY}T04:00:00Z`) });
  registry = await readRegistry();
});
afterAll(() => test.remove());

describe('the lookup by filters alone', () => {
  const someOf = () => {
    const lapsedThisMonth = registry.find((certificate) => certificate.status === 'expired' && certificate.expiresOn >= '2026-11-01');
    expect(lapsedThisMonth, 'a certificate that lapsed earlier this month').toBeDefined();
    return lapsedThisMonth!;
  };

  it.each<[string, (sample: Certificate) => LookupFilters]>([
    ['a body', (sample) => ({ body: sample.body })],
    ['a province', (sample) => ({ province: sample.province })],
    ['a scheme and a status', (sample) => ({ scheme: sample.scheme, status: 'valid' })],
    ['expired in a province of a body', (sample) => ({ status: 'expired', province: sample.province, body: sample.body })],
    ['a status alone', () => ({ status: 'suspended' })],
  ])('counts every filter value exactly, as the registry read whole does, for %s', async (_, choose) => {
    const filters = choose(someOf());
    const result = await lookupCertificates(test.db, '', 1, TODAY, filters);
    const chosen = registry.filter((certificate) => matches(certificate, filters));
    expect(result).toMatchObject({ matchedBy: 'filters', total: chosen.length, totalCapped: false });
    expect(shownFacets(result.facets!)).toEqual(expectedFacets(registry, filters));
  });

  it('lists valid certificates first, then suspended, expired (lapsed while valid, then while suspended), withdrawn and cancelled, each by expiry (latest first), page after page', async () => {
    const filters = { body: someOf().body };
    const expected = registry
      .filter((certificate) => matches(certificate, filters))
      .sort(
        (a, b) =>
          rank(a.status) - rank(b.status) ||
          (a.storedStatus === b.storedStatus ? 0 : a.storedStatus === 'valid' ? -1 : 1) ||
          (a.expiresOn < b.expiresOn ? 1 : a.expiresOn > b.expiresOn ? -1 : 0) ||
          b.id - a.id,
      )
      .slice(0, HOLDER_MATCH_LIMIT);
    const listed: Certificate[] = [];
    const first = await lookupCertificates(test.db, '', 1, TODAY, filters);
    expect(first.listed).toBe(Math.min(first.total, HOLDER_MATCH_LIMIT));
    for (let page = 1; page <= first.pageCount; page++) {
      const result = await lookupCertificates(test.db, '', page, TODAY, filters);
      listed.push(...result.items.map((item) => registry.find((certificate) => certificate.number === item.number)!));
    }
    expect(listed).toHaveLength(expected.length);
    expect(listed.map((certificate) => certificate.number)).toEqual(expected.map((certificate) => certificate.number));
    expect(new Set(listed.map((certificate) => certificate.id)).size).toBe(listed.length);
    // Past the listed ones, a page is empty, not a scan.
    expect((await lookupCertificates(test.db, '', first.pageCount + 1, TODAY, filters)).items).toEqual([]);
  });

  it('keeps its counts right whoever writes: a status change, a holder moving province', async () => {
    const sample = registry.find((certificate) => certificate.status === 'valid')!;
    const before = await lookupCertificates(test.db, '', 1, TODAY, { province: sample.province });
    const count = (result: typeof before, status: string) => result.facets!.status.find((value) => value.value === status)?.count ?? 0;
    await test.db.updateTable('certificate').set({ status: 'withdrawn' }).where('id', '=', sample.id).execute();
    const withdrawn = await lookupCertificates(test.db, '', 1, TODAY, { province: sample.province });
    expect(count(withdrawn, 'valid')).toBe(count(before, 'valid') - 1);
    expect(count(withdrawn, 'withdrawn')).toBe(count(before, 'withdrawn') + 1);
    const holder = await test.db.selectFrom('certificate').select('organisationId').where('id', '=', sample.id).executeTakeFirstOrThrow();
    await test.db.updateTable('organisation').set({ province: '西藏自治区' }).where('id', '=', holder.organisationId).execute();
    registry = await readRegistry();
    const moved = await lookupCertificates(test.db, '', 1, TODAY, { province: '西藏自治区' });
    expect(moved.total).toBe(registry.filter((certificate) => certificate.province === '西藏自治区').length);
    expect(shownFacets((await lookupCertificates(test.db, '', 1, TODAY, { province: sample.province })).facets!)).toEqual(
      expectedFacets(registry, { province: sample.province }),
    );
  });
});

describe('the tally that counts the registry', () => {
  it('counts the same, and right, before and after its day is moved forward, and for a day before it', async () => {
    const later = '2027-01-20';
    const laterRegistry = await readRegistry(later);
    const sample = laterRegistry.find((certificate) => certificate.status === 'expired' && certificate.expiresOn >= '2026-12-01')!;
    expect(sample, "a certificate that lapses between the tally's day and the later one").toBeDefined();
    const filters = { province: sample.province };
    const before = await lookupCertificates(test.db, '', 1, later, filters);
    expect(shownFacets(before.facets!)).toEqual(expectedFacets(laterRegistry, filters));
    await moveCertificateTallyForward(test.db, later);
    await moveCertificateTallyForward(test.db, later);
    expect((await test.db.selectFrom('certificateFilterTallySince').select('lapsedBefore').executeTakeFirstOrThrow()).lapsedBefore).toBe(later);
    const after = await lookupCertificates(test.db, '', 1, later, filters);
    expect(after.facets).toEqual(before.facets);
    expect(after.items).toEqual(before.items);
    // A day before the tally's: the lapses between change sides the other way.
    registry = await readRegistry();
    expect(shownFacets((await lookupCertificates(test.db, '', 1, TODAY, filters)).facets!)).toEqual(expectedFacets(registry, filters));
    // A row per combination of the filters' values and lapse, never one per certificate.
    const rows = await test.db
      .selectFrom('certificateFilterTally')
      .select((eb) => eb.fn.countAll<number>().as('rows'))
      .executeTakeFirstOrThrow();
    const combinations = new Set(
      registry.map((certificate) => `${certificate.body} ${certificate.scheme} ${certificate.province} ${certificate.storedStatus}`),
    ).size;
    expect(Number(rows.rows)).toBeLessThanOrEqual(2 * combinations);
  });
});

describe('the lookup by name, narrowed', () => {
  /** A word many holders share, so that every status and several bodies are among its matches. */
  const WORD = '服务';

  it('lists valid matches first, keeping the name ranking within each status, and counts each filter value over the matches', async () => {
    const all: { number: string; status: CertificateStatus }[] = [];
    const first = await lookupCertificates(test.db, WORD, 1, TODAY);
    for (let page = 1; page <= first.pageCount; page++) all.push(...(await lookupCertificates(test.db, WORD, page, TODAY)).items);
    expect(all.length).toBe(first.total);
    const ranks = all.map((item) => rank(item.status));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(rank(all[0]!.status)).toBe(0);
    const statusCounts = Object.fromEntries(first.facets!.status.map((value) => [value.value, value.count]));
    const seen = Object.fromEntries(
      LOOKUP_STATUSES.map((status) => [status, all.filter((item) => item.status === status).length]).filter(([, n]) => n !== 0),
    );
    expect(statusCounts).toEqual(seen);
    // Capped at the ranked matches the index gives: the page says the counts are over those.
    expect(first.totalCapped).toBe(first.total === HOLDER_MATCH_LIMIT);
  });

  it('narrows a name by a body (once refused), and by a status and a province, the counts following', async () => {
    const first = await lookupCertificates(test.db, WORD, 1, TODAY);
    const body = first.facets!.body[0]!;
    const byBody = await lookupCertificates(test.db, WORD, 1, TODAY, { body: body.value });
    expect(byBody.total).toBe(body.count);
    expect(byBody.items.length).toBe(Math.min(body.count, LOOKUP_PAGE_SIZE));
    for (const item of byBody.items) expect(registry.find((certificate) => certificate.number === item.number)!.body).toBe(body.value);
    const expired = byBody.facets!.status.find((value) => value.value === 'expired');
    if (expired) {
      const narrowed = await lookupCertificates(test.db, WORD, 1, TODAY, { body: body.value, status: 'expired' });
      expect(narrowed.total).toBe(expired.count);
      expect(narrowed.items.every((item) => item.status === 'expired')).toBe(true);
    }
  });
});
