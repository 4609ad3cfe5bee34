import type { PortalDb } from '../../src/lib/db/database.ts';
import type { NoticeKind } from '../../src/lib/db/notice.table.ts';
import type { CertificateEventKind, StoredCertificateStatus } from '../../src/lib/db/registry.table.ts';
import { certificateNumberColumns, organisationNameColumns } from '../../src/lib/db/derived-columns.ts';

const RECORDED = '2026-01-01T00:00:00.000Z';

/** One body and the after-sales scheme with its four levels: the ground every fixture stands on. */
export async function insertBodyAndScheme(db: PortalDb): Promise<{ bodyId: number; schemeId: number }> {
  const body = await db
    .insertInto('certificationBody')
    .values({
      code: 'TCB',
      name: '测试认证中心',
      approvalNumber: 'CNCA-R-2002-001',
      website: 'https://tcb.example.cn',
      phone: null,
      address: null,
      updatedAt: RECORDED,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const scheme = await db
    .insertInto('scheme')
    .values({
      code: 'after-sales',
      name: '售后服务认证',
      nameEn: 'After-sales service',
      basis: '《商品售后服务评价体系》GB/T 27922',
      description: null,
      updatedAt: RECORDED,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('schemeLevel')
    .values(
      [
        ['compliant', '达标', 70],
        ['three-star', '三星', 80],
        ['four-star', '四星', 90],
        ['five-star', '五星', 95],
      ].map(([code, name, minScore], index) => ({
        schemeId: scheme.id,
        code: code as string,
        name: name as string,
        minScore: minScore as number,
        rank: index + 1,
      })),
    )
    .execute();
  return { bodyId: body.id, schemeId: scheme.id };
}

export async function insertOrganisation(db: PortalDb, name: string, uscc: string): Promise<number> {
  const row = await db
    .insertInto('organisation')
    .values({ uscc, ...organisationNameColumns(name), province: '浙江省', city: '杭州市', address: '杭州市西湖区文三路 1 号', updatedAt: RECORDED })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface CertificateFixture {
  number: string;
  organisationId: number;
  status?: StoredCertificateStatus;
  issuedOn?: string;
  expiresOn?: string;
  events?: { kind: CertificateEventKind; occurredAt: string; expiresOn?: string; levelCode?: string; description?: string }[];
}

export async function insertCertificate(db: PortalDb, ground: { bodyId: number; schemeId: number }, fixture: CertificateFixture): Promise<number> {
  const issuedOn = fixture.issuedOn ?? '2025-03-01';
  const row = await db
    .insertInto('certificate')
    .values({
      ...certificateNumberColumns(fixture.number),
      organisationId: fixture.organisationId,
      bodyId: ground.bodyId,
      schemeId: ground.schemeId,
      levelCode: 'five-star',
      scope: '家用电器的售后服务',
      sites: '杭州市西湖区文三路 1 号\n杭州市滨江区江南大道 2 号',
      firstIssuedOn: issuedOn,
      issuedOn,
      expiresOn: fixture.expiresOn ?? '2028-02-29',
      status: fixture.status ?? 'valid',
      updatedAt: RECORDED,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const events = fixture.events ?? [{ kind: 'issued', occurredAt: '2025-03-01T02:00:00.000Z', expiresOn: fixture.expiresOn ?? '2028-02-29' }];
  if (events.length > 0) {
    await db
      .insertInto('certificateEvent')
      .values(
        events.map((event) => ({
          certificateId: row.id,
          kind: event.kind,
          occurredAt: event.occurredAt,
          description: event.description ?? `测试事件：${event.kind}`,
          levelCode: event.levelCode ?? null,
          expiresOn: event.expiresOn ?? null,
          scope: null,
        })),
      )
      .execute();
  }
  return row.id;
}

export interface NoticeFixture {
  organisationId: number;
  windowStart: string;
  windowEnd: string;
  reference?: string;
  status?: 'published' | 'withdrawn';
  certificateId?: number | null;
  kind?: NoticeKind;
  evaluationSummary?: string;
}

export async function insertNotice(db: PortalDb, ground: { bodyId: number; schemeId: number }, fixture: NoticeFixture): Promise<number> {
  const decided = fixture.certificateId != null;
  const notice = await db
    .insertInto('notice')
    .values({
      reference: fixture.reference ?? `GS-TEST-${fixture.windowStart}`,
      kind: fixture.kind ?? 'initial',
      organisationId: fixture.organisationId,
      schemeId: ground.schemeId,
      bodyId: ground.bodyId,
      proposedLevelCode: 'five-star',
      scope: '家用电器的售后服务',
      applicantAddress: '杭州市西湖区文三路 1 号',
      evaluationSummary: fixture.evaluationSummary ?? '现场评价得分 96 分。',
      windowStart: fixture.windowStart,
      windowEnd: fixture.windowEnd,
      publishedAt: fixture.windowStart,
      status: fixture.status ?? 'published',
      decision: decided ? 'certified' : 'pending',
      decidedAt: decided ? fixture.windowEnd : null,
      certificateId: fixture.certificateId ?? null,
      objectionContact: '请以书面形式实名提出异议：测试认证中心，电话 010-00000000。',
      updatedAt: RECORDED,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return notice.id;
}

/** A decided notice that led to `certificateId`, with one published comment carrying personal data. */
export async function insertNoticeWithComment(
  db: PortalDb,
  ground: { bodyId: number; schemeId: number },
  fixture: { organisationId: number; certificateId: number; submitterName: string; submitterContact: string },
): Promise<number> {
  const noticeId = await insertNotice(db, ground, {
    organisationId: fixture.organisationId,
    certificateId: fixture.certificateId,
    reference: 'GS-TEST-0001',
    windowStart: '2025-01-06T01:00:00.000Z',
    windowEnd: '2025-01-14T01:00:00.000Z',
  });
  await db
    .insertInto('comment')
    .values({
      noticeId,
      trackingNumber: 'TEST-TRACK-0001',
      idempotencyKey: 'test-idempotency-0001',
      kind: 'objection',
      text: '该企业的售后电话经常无人接听。',
      submitterName: fixture.submitterName,
      submitterContact: fixture.submitterContact,
      submitterOrganisation: null,
      status: 'answered',
      reply: '经核查，已要求整改。',
      published: 1,
      receivedAt: '2025-01-07T01:00:00.000Z',
      updatedAt: RECORDED,
    })
    .execute();
  return noticeId;
}
