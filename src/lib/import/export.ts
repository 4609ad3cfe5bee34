/**
 * The registry read back as import records (ids replaced by natural keys), so a database's
 * contents can be written as import files: demo and benchmark files, and a round trip that
 * checks the import accepts everything the portal holds.
 */
import type { PortalDb } from '../db/database.ts';
import type { RecordKind } from './records.ts';

/** Every row of a kind as a file's record would carry it, snake_case fields; instants in UTC, which the import accepts. */
export async function exportRecords(db: PortalDb, kind: RecordKind): Promise<Record<string, unknown>[]> {
  // The queries name fields in camelCase, as the CamelCasePlugin hands every result back; files use snake_case.
  const rows = (await exportQuery(db, kind)) as Record<string, unknown>[];
  const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [snakeCase(name), value])));
}

async function exportQuery(db: PortalDb, kind: RecordKind): Promise<object[]> {
  switch (kind) {
    case 'bodies':
      return db
        .selectFrom('certificationBody')
        .select(['code', 'name', 'approvalNumber', 'website', 'phone', 'address'])
        .orderBy('id')
        .execute();
    case 'schemes':
      return db.selectFrom('scheme').select(['code', 'name', 'nameEn', 'basis', 'description']).orderBy('id').execute();
    case 'scheme-levels':
      return db
        .selectFrom('schemeLevel')
        .innerJoin('scheme', 'scheme.id', 'schemeLevel.schemeId')
        .select(['scheme.code as schemeCode', 'schemeLevel.code', 'schemeLevel.name', 'schemeLevel.minScore', 'schemeLevel.rank'])
        .orderBy('schemeLevel.id')
        .execute();
    case 'organisations':
      return db.selectFrom('organisation').select(['uscc', 'name', 'province', 'city', 'address']).orderBy('id').execute();
    case 'certificates':
      return db
        .selectFrom('certificate')
        .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
        .innerJoin('certificationBody', 'certificationBody.id', 'certificate.bodyId')
        .innerJoin('scheme', 'scheme.id', 'certificate.schemeId')
        .select([
          'certificate.number',
          'organisation.uscc as holderUscc',
          'certificationBody.code as bodyCode',
          'scheme.code as schemeCode',
          'certificate.levelCode',
          'certificate.scope',
          'certificate.sites',
          'certificate.firstIssuedOn',
          'certificate.issuedOn',
          'certificate.expiresOn',
          'certificate.status',
        ])
        .orderBy('certificate.id')
        .execute();
    case 'certificate-events':
      return db
        .selectFrom('certificateEvent')
        .innerJoin('certificate', 'certificate.id', 'certificateEvent.certificateId')
        .select([
          'certificate.number as certificateNumber',
          'certificateEvent.kind',
          'certificateEvent.occurredAt',
          'certificateEvent.description',
          'certificateEvent.levelCode',
          'certificateEvent.expiresOn',
          'certificateEvent.scope',
        ])
        .orderBy('certificateEvent.id')
        .execute();
    case 'notices':
      return db
        .selectFrom('notice')
        .innerJoin('organisation', 'organisation.id', 'notice.organisationId')
        .innerJoin('certificationBody', 'certificationBody.id', 'notice.bodyId')
        .innerJoin('scheme', 'scheme.id', 'notice.schemeId')
        .leftJoin('certificate', 'certificate.id', 'notice.certificateId')
        .select([
          'notice.reference',
          'notice.kind',
          'organisation.uscc as applicantUscc',
          'scheme.code as schemeCode',
          'certificationBody.code as bodyCode',
          'notice.proposedLevelCode',
          'notice.scope',
          'notice.applicantAddress',
          'notice.evaluationSummary',
          'notice.windowStart',
          'notice.windowEnd',
          'notice.publishedAt',
          'notice.status',
          'notice.decision',
          'notice.decidedAt',
          'certificate.number as certificateNumber',
          'notice.objectionContact',
        ])
        .orderBy('notice.id')
        .execute();
  }
}
