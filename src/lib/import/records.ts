/**
 * The records of the bulk import, one zod schema per kind. Field names are the database's
 * column names (docs/back-office.md), except that references name the other record by its
 * natural key (holder_uscc, body_code, …) where the table holds an id.
 */
import { z } from 'zod';
import { cleanText } from '../comments/inputs.ts';
import { NOTICE_DECISIONS, NOTICE_KINDS, NOTICE_STATUSES } from '../db/notice.table.ts';
import { CERTIFICATE_EVENT_KINDS, CERTIFICATE_STATUSES } from '../db/registry.table.ts';
import { describeUsccProblem, findUsccProblem } from '../organisations/uscc.ts';
import { certificateNumberKey, normaliseCertificateNumber } from '../text/normalise.ts';
import { isCalendarDate } from '../time/beijing.ts';
import { parseInstant } from '../time/instant.ts';

/** The kinds in the order they depend on each other: a command imports its files in this order. */
export const RECORD_KINDS = [
  'bodies',
  'schemes',
  'scheme-levels',
  'organisations',
  'certificates',
  'certificate-events',
  'notices',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

const oneOf = <Values extends readonly [string, ...string[]]>(values: Values, extra = '') =>
  z.enum(values as unknown as [Values[number], ...Values[number][]], {
    errorMap: (issue, context) =>
      issue.code === 'invalid_enum_value' ? { message: `must be one of ${values.join(', ')}${extra}` } : { message: context.defaultError },
  });

/** Characters, not UTF-16 units; counted only near the limit, as counting makes garbage on every record. */
const longerThan = (value: string, max: number) => value.length > max && Array.from(value).length > max;

/** Free text: NFC, control characters dropped (line breaks kept), trimmed; then 1 to `max` characters. */
const text = (max: number) =>
  z.string().transform((value, context) => {
    const cleaned = cleanText(value);
    if (cleaned === '') context.addIssue({ code: z.ZodIssueCode.custom, message: 'must not be empty' });
    else if (longerThan(cleaned, max)) context.addIssue({ code: z.ZodIssueCode.custom, message: `must be at most ${max} characters` });
    return cleaned;
  });

/** Absent, null and empty all mean "none", stored as NULL. */
const optional = <Output>(schema: z.ZodType<Output, z.ZodTypeDef, unknown>) =>
  z.preprocess((value) => (value === '' || value === undefined ? null : value), schema.nullable()) as z.ZodType<Output | null, z.ZodTypeDef, unknown>;

const optionalText = (max: number) => optional(text(max));

/** Body codes are upper-case (HXC); scheme and level codes lower-case slugs (after-sales, five-star), as they appear in addresses. */
const bodyCode = z.string().regex(/^[A-Z0-9]+(?:-[A-Z0-9]+)*$/, 'must be upper-case letters and digits, parts joined by "-", e.g. HXC').max(20, 'must be at most 20 characters');
const slugCode = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters and digits, parts joined by "-", e.g. after-sales')
  .max(100, 'must be at most 100 characters');
const optionalSlugCode = optional(slugCode);

const calendarDate = z.string().refine(isCalendarDate, 'must be a calendar date written YYYY-MM-DD, e.g. 2026-11-26');
const optionalCalendarDate = optional(calendarDate);

/** Stored in UTC; the offset is required, so Beijing and UTC times are never confused. */
const instant = z.string().transform((value, context) => {
  const parsed = parseInstant(value.trim());
  if (parsed) return parsed.toISOString();
  context.addIssue({ code: z.ZodIssueCode.custom, message: 'must be an ISO 8601 instant with its offset, e.g. 2026-11-26T15:00:00+08:00 or 2026-11-26T07:00:00Z' });
  return z.NEVER;
});
const optionalInstant = optional(instant);

/** A whole number, also when it comes from a CSV cell as text. */
const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ invalid_type_error: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`),
  );

const uscc = z.string().transform((value, context) => {
  const code = value.trim().toUpperCase();
  const problem = findUsccProblem(code);
  if (!problem) return code;
  context.addIssue({ code: z.ZodIssueCode.custom, message: `${code} is ${describeUsccProblem(problem).en}` });
  return z.NEVER;
});

/** Stored as printed on certificates (upper-case, one kind of dash); its key decides identity. */
const certificateNumber = z.string().transform((value, context) => {
  const number = normaliseCertificateNumber(value);
  if (!/[0-9A-Z]/.test(number)) context.addIssue({ code: z.ZodIssueCode.custom, message: 'must contain letters or digits' });
  else if (number.length > 100) context.addIssue({ code: z.ZodIssueCode.custom, message: 'must be at most 100 characters' });
  return number;
});

const optionalCertificateNumber = optional(certificateNumber);

const website = optional(
  z
    .string()
    .url('must be an absolute address such as https://www.example.cn')
    .refine((url) => /^https?:\/\//i.test(url), 'must start with http:// or https://'),
);

/** Sites, one address a line: a text with line breaks, or in JSON a list of addresses. */
const sites = z
  .union([z.string(), z.array(z.string())], { errorMap: () => ({ message: 'must be a text (one address a line) or a list of addresses' }) })
  .transform((value, context) => {
    const lines = (Array.isArray(value) ? value : value.split('\n')).map(cleanText).filter((site) => site !== '').join('\n');
    if (lines === '') context.addIssue({ code: z.ZodIssueCode.custom, message: 'must name at least one site' });
    else if (longerThan(lines, 10_000)) context.addIssue({ code: z.ZodIssueCode.custom, message: 'must be at most 10000 characters' });
    return lines;
  });

export const bodyRecord = z
  .object({
    code: bodyCode,
    name: text(200),
    approval_number: text(50),
    website,
    phone: optionalText(50),
    address: optionalText(300),
  })
  .strict();

export const schemeRecord = z
  .object({
    code: slugCode,
    name: text(100),
    name_en: text(200),
    basis: text(500),
    description: optionalText(5000),
  })
  .strict();

export const schemeLevelRecord = z
  .object({
    scheme_code: slugCode,
    code: slugCode,
    name: text(50),
    min_score: optional(wholeNumber(0, 100)),
    rank: wholeNumber(1, 1000),
  })
  .strict();

export const organisationRecord = z
  .object({
    uscc,
    name: text(300).refine((name) => name === '' || Array.from(name).length >= 2, 'must be at least 2 characters'),
    province: text(20),
    city: optionalText(50),
    address: text(300),
  })
  .strict();

export const certificateRecord = z
  .object({
    number: certificateNumber,
    holder_uscc: uscc,
    body_code: bodyCode,
    scheme_code: slugCode,
    level_code: optionalSlugCode,
    scope: text(2000),
    sites,
    first_issued_on: calendarDate,
    issued_on: calendarDate,
    expires_on: calendarDate,
    status: oneOf(CERTIFICATE_STATUSES, ' (expired is never stored: it follows from expires_on)'),
  })
  .strict()
  .superRefine((record, context) => {
    if (record.issued_on < record.first_issued_on) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['issued_on'], message: `must not be before first_issued_on (${record.first_issued_on})` });
    }
    if (record.expires_on < record.issued_on) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['expires_on'], message: `must not be before issued_on (${record.issued_on})` });
    }
  });

export const certificateEventRecord = z
  .object({
    certificate_number: certificateNumber,
    kind: oneOf(CERTIFICATE_EVENT_KINDS),
    occurred_at: instant,
    description: text(2000),
    level_code: optionalSlugCode,
    expires_on: optionalCalendarDate,
    scope: optionalText(2000),
  })
  .strict();

export const noticeRecord = z
  .object({
    reference: text(50),
    kind: oneOf(NOTICE_KINDS),
    applicant_uscc: uscc,
    scheme_code: slugCode,
    body_code: bodyCode,
    proposed_level_code: optionalSlugCode,
    scope: text(2000),
    applicant_address: text(300),
    evaluation_summary: text(10_000),
    window_start: instant,
    window_end: instant,
    published_at: instant,
    status: oneOf(NOTICE_STATUSES),
    decision: oneOf(NOTICE_DECISIONS),
    decided_at: optionalInstant,
    certificate_number: optionalCertificateNumber,
    objection_contact: text(1000),
  })
  .strict()
  .superRefine((record, context) => {
    if (record.window_end <= record.window_start) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['window_end'], message: `must be after window_start (${record.window_start})` });
    }
    if (record.decision === 'pending' && record.decided_at !== null) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['decided_at'], message: 'must be empty while the decision is pending' });
    }
    if (record.decision !== 'pending' && record.decided_at === null) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['decided_at'], message: `is required when the decision is ${record.decision}` });
    }
  });

export type BodyRecord = z.infer<typeof bodyRecord>;
export type SchemeRecord = z.infer<typeof schemeRecord>;
export type SchemeLevelRecord = z.infer<typeof schemeLevelRecord>;
export type OrganisationRecord = z.infer<typeof organisationRecord>;
export type CertificateRecord = z.infer<typeof certificateRecord>;
export type CertificateEventRecord = z.infer<typeof certificateEventRecord>;
export type NoticeRecord = z.infer<typeof noticeRecord>;

export interface RecordTypes {
  bodies: BodyRecord;
  schemes: SchemeRecord;
  'scheme-levels': SchemeLevelRecord;
  organisations: OrganisationRecord;
  certificates: CertificateRecord;
  'certificate-events': CertificateEventRecord;
  notices: NoticeRecord;
}

interface KindDefinition<Kind extends RecordKind> {
  schema: z.ZodType<RecordTypes[Kind], z.ZodTypeDef, unknown>;
  /** The fields a file may carry, in the order of the documentation and the CSV examples. */
  fields: readonly string[];
  /** The natural key: two records of one file with the same key are an error. */
  naturalKey: (record: RecordTypes[Kind]) => string;
  /** How the key is named in messages. */
  keyName: string;
}

const fieldsOf = (schema: z.AnyZodObject) => Object.keys(schema.shape);
const innerObject = (schema: z.ZodTypeAny): z.AnyZodObject =>
  schema instanceof z.ZodEffects ? innerObject(schema.innerType()) : (schema as z.AnyZodObject);

function define<Kind extends RecordKind>(
  schema: z.ZodType<RecordTypes[Kind], z.ZodTypeDef, unknown>,
  keyName: string,
  naturalKey: (record: RecordTypes[Kind]) => string,
): KindDefinition<Kind> {
  return { schema, fields: fieldsOf(innerObject(schema as z.ZodTypeAny)), naturalKey, keyName };
}

export const KIND_DEFINITIONS: { [Kind in RecordKind]: KindDefinition<Kind> } = {
  bodies: define<'bodies'>(bodyRecord, 'code', (record) => record.code),
  schemes: define<'schemes'>(schemeRecord, 'code', (record) => record.code),
  'scheme-levels': define<'scheme-levels'>(schemeLevelRecord, 'scheme_code and code', (record) => `${record.scheme_code} ${record.code}`),
  organisations: define<'organisations'>(organisationRecord, 'uscc', (record) => record.uscc),
  certificates: define<'certificates'>(certificateRecord, 'number', (record) => certificateNumberKey(record.number)),
  'certificate-events': define<'certificate-events'>(
    certificateEventRecord,
    'certificate_number, kind and occurred_at',
    (record) => `${certificateNumberKey(record.certificate_number)} ${record.kind} ${record.occurred_at}`,
  ),
  notices: define<'notices'>(noticeRecord, 'reference', (record) => record.reference),
};
