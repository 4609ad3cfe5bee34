/**
 * The records of the bulk import, one definition per kind. Field names are the database's
 * column names (docs/back-office.md), except that references name the other record by its
 * natural key (holder_uscc, body_code, …) where the table holds an id.
 *
 * A record may leave fields out: a field the file does not have is left as stored. So each
 * field is checked on its own (every problem of a record at once), and the checks across
 * fields run on the record as it will be stored, its stored fields completed by the file's.
 */
import { cleanText } from '../../domain/comments/inputs.ts';
import { NOTICE_DECISIONS, NOTICE_KINDS, NOTICE_STATUSES } from '../../db/notice.table.ts';
import { CERTIFICATE_EVENT_KINDS, CERTIFICATE_STATUSES } from '../../db/registry.table.ts';
import { findUsccProblem } from '../../ground/organisations/uscc.ts';
import { certificateNumberKey, normaliseCertificateNumber } from '../../ground/text/normalise.ts';
import { isCalendarDate } from '../../ground/time/beijing.ts';
import { parseInstant } from '../../ground/time/instant.ts';
import type { RecordProblem } from './problems.ts';

/** The kinds in the order they depend on each other: a command imports its files in this order. */
export const RECORD_KINDS = ['bodies', 'schemes', 'scheme-levels', 'organisations', 'certificates', 'certificate-events', 'notices'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

type Parsed<Value> = { ok: true; value: Value } | { ok: false; problem: RecordProblem };
const accept = <Value>(value: Value): Parsed<Value> => ({ ok: true, value });
const refuse = (problem: RecordProblem): Parsed<never> => ({ ok: false, problem });

/** How one field's value (never null or empty here) is checked and cleaned. */
type Parser<Value> = (value: unknown) => Parsed<Value>;

export interface FieldSpec<Value> {
  /** A new record must have it, and no record may empty it. */
  required: boolean;
  parse: (value: unknown) => Parsed<Value>;
}

/** Absent, null, "" and white space alone are "nothing" in every format. */
const isNothing = (value: unknown) => value === null || value === undefined || (typeof value === 'string' && cleanText(value) === '');

const required = <Value>(parse: Parser<Value>): FieldSpec<Value> => ({
  required: true,
  parse: (value) => (isNothing(value) ? refuse({ code: 'empty' }) : parse(value)),
});

/** Nothing means "none", stored as NULL: over a stored value, it clears it. */
const optional = <Value>(parse: Parser<Value>): FieldSpec<Value | null> => ({
  required: false,
  parse: (value) => (isNothing(value) ? accept(null) : parse(value)),
});

const typeName = (value: unknown) => (Array.isArray(value) ? 'list' : typeof value);

const string =
  <Value>(then: (text: string) => Parsed<Value>): Parser<Value> =>
  (value) =>
    typeof value === 'string' ? then(value) : refuse({ code: 'not_text', received: typeName(value) });

/** Characters, not UTF-16 units; counted only near the limit, as counting makes garbage on every record. */
const longerThan = (value: string, max: number) => value.length > max && Array.from(value).length > max;

/** Free text: NFC, control characters dropped (line breaks kept), trimmed; then `min` to `max` characters. */
const text = (max: number, min = 1) =>
  string((value) => {
    const cleaned = cleanText(value);
    if (longerThan(cleaned, max)) return refuse({ code: 'too_long', max });
    if (min > 1 && Array.from(cleaned).length < min) return refuse({ code: 'too_short', min });
    return accept(cleaned);
  });

const oneOf = <Values extends readonly string[]>(values: Values, expiredNote?: true) =>
  string((value) =>
    (values as readonly string[]).includes(value.trim())
      ? accept(value.trim() as Values[number])
      : refuse({ code: 'not_one_of', allowed: values, ...(expiredNote ? { expiredNote } : {}) }),
  );

/** Body codes are upper-case (HXC); scheme and level codes lower-case slugs (after-sales, five-star), as they appear in addresses. */
const bodyCode = string((value) => {
  const code = value.trim();
  if (!/^[A-Z0-9]+(?:-[A-Z0-9]+)*$/.test(code)) return refuse({ code: 'not_body_code' });
  return code.length > 20 ? refuse({ code: 'too_long', max: 20 }) : accept(code);
});
const slugCode = string((value) => {
  const code = value.trim();
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(code)) return refuse({ code: 'not_slug_code' });
  return code.length > 100 ? refuse({ code: 'too_long', max: 100 }) : accept(code);
});

const calendarDate = string((value) => (isCalendarDate(value.trim()) ? accept(value.trim()) : refuse({ code: 'not_calendar_date' })));

/** Stored in UTC; the offset is required, so Beijing and UTC times are never confused. */
const instant = string((value) => {
  const parsed = parseInstant(value.trim());
  return parsed ? accept(parsed.toISOString()) : refuse({ code: 'not_instant' });
});

/** A whole number, also when it comes from a CSV cell as text. */
const wholeNumber =
  (min: number, max: number): Parser<number> =>
  (value) => {
    const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) return refuse({ code: 'not_whole_number' });
    if (number < min) return refuse({ code: 'below_minimum', min });
    if (number > max) return refuse({ code: 'above_maximum', max });
    return accept(number);
  };

const uscc = string((value) => {
  const code = value.trim().toUpperCase();
  const problem = findUsccProblem(code);
  return problem ? refuse({ code: 'not_uscc', uscc: code, detail: problem }) : accept(code);
});

/** Stored as printed on certificates (upper-case, one kind of dash); its key decides identity. */
const certificateNumber = string((value) => {
  const number = normaliseCertificateNumber(value);
  if (!/[0-9A-Z]/.test(number)) return refuse({ code: 'no_letters_or_digits' });
  return number.length > 100 ? refuse({ code: 'too_long', max: 100 }) : accept(number);
});

const website = string((value) => {
  const address = value.trim();
  if (!URL.canParse(address)) return refuse({ code: 'not_web_address' });
  return /^https?:$/.test(new URL(address).protocol) ? accept(address) : refuse({ code: 'not_http' });
});

/** Sites, one address a line: a text with line breaks, or in JSON a list of addresses. */
const sites: Parser<string> = (value) => {
  if (typeof value !== 'string' && !(Array.isArray(value) && value.every((site) => typeof site === 'string'))) return refuse({ code: 'not_sites' });
  const lines = (Array.isArray(value) ? value : value.split('\n'))
    .map(cleanText)
    .filter((site) => site !== '')
    .join('\n');
  if (lines === '') return refuse({ code: 'no_sites' });
  return longerThan(lines, 10_000) ? refuse({ code: 'too_long', max: 10_000 }) : accept(lines);
};

/** A check across fields, made on the record as it will be stored; skipped when one of `fields` is itself wrong. */
interface RecordCheck<Record> {
  fields: readonly (keyof Record & string)[];
  /** The field the problem is reported on. */
  field: keyof Record & string;
  problem: (record: Record) => RecordProblem | null;
}

type FieldSpecs = { [field: string]: FieldSpec<unknown> };
type RecordOf<Specs extends FieldSpecs> = { [Field in keyof Specs]: Specs[Field] extends FieldSpec<infer Value> ? Value : never };

export interface KindDefinition<Record> {
  specs: { [Field in keyof Record]: FieldSpec<Record[Field]> };
  /** The fields a file may carry, in the order of the documentation and the CSV examples. */
  fields: readonly (keyof Record & string)[];
  /** The fields of the natural key: every record must have them. */
  keyFields: readonly (keyof Record & string)[];
  /** The natural key as looked up: two records of one file with the same key are an error. */
  keyOf: (record: Record) => string;
  /** The natural key as people read it in messages. */
  labelOf: (record: Record) => string;
  checks: readonly RecordCheck<Record>[];
}

function define<Specs extends FieldSpecs>(
  specs: Specs,
  definition: Omit<KindDefinition<RecordOf<Specs>>, 'specs' | 'fields'>,
): KindDefinition<RecordOf<Specs>> {
  return { specs: specs as KindDefinition<RecordOf<Specs>>['specs'], fields: Object.keys(specs) as (keyof Specs & string)[], ...definition };
}

const bodies = define(
  {
    code: required(bodyCode),
    name: required(text(200)),
    approval_number: required(text(50)),
    website: optional(website),
    phone: optional(text(50)),
    address: optional(text(300)),
  },
  { keyFields: ['code'], keyOf: (record) => record.code, labelOf: (record) => record.code, checks: [] },
);

const schemes = define(
  {
    code: required(slugCode),
    name: required(text(100)),
    name_en: required(text(200)),
    basis: required(text(500)),
    description: optional(text(5000)),
  },
  { keyFields: ['code'], keyOf: (record) => record.code, labelOf: (record) => record.code, checks: [] },
);

const schemeLevels = define(
  {
    scheme_code: required(slugCode),
    code: required(slugCode),
    name: required(text(50)),
    min_score: optional(wholeNumber(0, 100)),
    rank: required(wholeNumber(1, 1000)),
  },
  {
    keyFields: ['scheme_code', 'code'],
    keyOf: (record) => `${record.scheme_code} ${record.code}`,
    labelOf: (record) => `${record.scheme_code} ${record.code}`,
    checks: [],
  },
);

const organisations = define(
  {
    uscc: required(uscc),
    name: required(text(300, 2)),
    province: required(text(20)),
    city: optional(text(50)),
    address: required(text(300)),
  },
  { keyFields: ['uscc'], keyOf: (record) => record.uscc, labelOf: (record) => record.uscc, checks: [] },
);

/** `later` is not before `earlier`, both dates or instants in their stored form (which compare as text). */
const notBefore = <Record extends { [field: string]: unknown }>(
  later: keyof Record & string,
  earlier: keyof Record & string,
): RecordCheck<Record> => ({
  fields: [later, earlier],
  field: later,
  problem: (record) =>
    (record[later] as string) < (record[earlier] as string) ? { code: 'before', other: earlier, value: record[earlier] as string } : null,
});

const certificates = define(
  {
    number: required(certificateNumber),
    holder_uscc: required(uscc),
    body_code: required(bodyCode),
    scheme_code: required(slugCode),
    level_code: optional(slugCode),
    scope: required(text(2000)),
    sites: required(sites),
    first_issued_on: required(calendarDate),
    issued_on: required(calendarDate),
    expires_on: required(calendarDate),
    // expired is never stored: it follows from expires_on.
    status: required(oneOf(CERTIFICATE_STATUSES, true)),
  },
  {
    keyFields: ['number'],
    keyOf: (record) => certificateNumberKey(record.number),
    labelOf: (record) => record.number,
    checks: [notBefore('issued_on', 'first_issued_on'), notBefore('expires_on', 'issued_on')],
  },
);

const certificateEvents = define(
  {
    certificate_number: required(certificateNumber),
    kind: required(oneOf(CERTIFICATE_EVENT_KINDS)),
    occurred_at: required(instant),
    description: required(text(2000)),
    level_code: optional(slugCode),
    expires_on: optional(calendarDate),
    scope: optional(text(2000)),
  },
  {
    keyFields: ['certificate_number', 'kind', 'occurred_at'],
    keyOf: (record) => `${certificateNumberKey(record.certificate_number)} ${record.kind} ${record.occurred_at}`,
    labelOf: (record) => `${record.certificate_number} ${record.kind} ${record.occurred_at}`,
    checks: [],
  },
);

/** A withdrawal's time or reason: required once a notice is withdrawn, empty while it is published. */
const withdrawalProblem = (status: string, value: string | null): RecordProblem | null => {
  if (status === 'withdrawn') return value === null ? { code: 'withdrawal_needs_it' } : null;
  return value === null ? null : { code: 'withdrawal_while_published' };
};

const notices = define(
  {
    reference: required(text(50)),
    kind: required(oneOf(NOTICE_KINDS)),
    applicant_uscc: required(uscc),
    scheme_code: required(slugCode),
    body_code: required(bodyCode),
    proposed_level_code: optional(slugCode),
    scope: required(text(2000)),
    applicant_address: required(text(300)),
    evaluation_summary: required(text(10_000)),
    window_start: required(instant),
    window_end: required(instant),
    published_at: required(instant),
    status: required(oneOf(NOTICE_STATUSES)),
    withdrawn_at: optional(instant),
    withdrawal_reason: optional(text(1000)),
    decision: required(oneOf(NOTICE_DECISIONS)),
    decided_at: optional(instant),
    certificate_number: optional(certificateNumber),
    objection_contact: required(text(1000)),
  },
  {
    keyFields: ['reference'],
    keyOf: (record) => record.reference,
    labelOf: (record) => record.reference,
    checks: [
      {
        fields: ['window_end', 'window_start'],
        field: 'window_end',
        problem: (record) =>
          record.window_end <= record.window_start ? { code: 'not_after', other: 'window_start', value: record.window_start } : null,
      },
      {
        fields: ['decision', 'decided_at'],
        field: 'decided_at',
        problem: (record) => {
          if (record.decision === 'pending') return record.decided_at === null ? null : { code: 'decided_while_pending' };
          return record.decided_at === null ? { code: 'decision_needs_time', decision: record.decision } : null;
        },
      },
      // A withdrawal says when and why, as a decision says when: the public is told both.
      {
        fields: ['status', 'withdrawn_at'],
        field: 'withdrawn_at',
        problem: (record) => withdrawalProblem(record.status, record.withdrawn_at),
      },
      {
        fields: ['status', 'withdrawal_reason'],
        field: 'withdrawal_reason',
        problem: (record) => withdrawalProblem(record.status, record.withdrawal_reason),
      },
    ],
  },
);

export const KIND_DEFINITIONS = {
  bodies,
  schemes,
  'scheme-levels': schemeLevels,
  organisations,
  certificates,
  'certificate-events': certificateEvents,
  notices,
} satisfies { [Kind in RecordKind]: unknown };

/** A record's definition whatever its kind, for the code that treats every kind alike. */
export const definitionOf = (kind: RecordKind) => KIND_DEFINITIONS[kind] as unknown as KindDefinition<Record<string, unknown>>;
