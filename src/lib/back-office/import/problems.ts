/**
 * What can be wrong with an import file, said as data: a code and its details. The
 * sentences people read are in the back office's dictionaries (src/lib/i18n/back-office.ts).
 */
import type { UsccProblem } from '../../ground/organisations/uscc.ts';

/** Where a record sits in its file: a line (NDJSON, CSV) or a position in a JSON array. */
export type RecordLocation = { line: number } | { record: number };

/** The records one record may refer to, by their natural keys. */
export type ReferenceTarget = 'body' | 'scheme' | 'organisation' | 'certificate';

/** A certificate's fields that move it to another holder, body or scheme. */
export type MoveField = 'holder_uscc' | 'body_code' | 'scheme_code';

/** Something wrong with one field's value, or with a record as a whole. */
export type RecordProblem =
  | { code: 'required' }
  | { code: 'required_for_new'; fields: readonly string[] }
  | { code: 'empty' }
  | { code: 'not_text'; received: string }
  | { code: 'too_long'; max: number }
  | { code: 'too_short'; min: number }
  | { code: 'not_whole_number' }
  | { code: 'below_minimum'; min: number }
  | { code: 'above_maximum'; max: number }
  | { code: 'not_one_of'; allowed: readonly string[]; expiredNote?: true }
  | { code: 'not_body_code' }
  | { code: 'not_slug_code' }
  | { code: 'not_calendar_date' }
  | { code: 'not_instant' }
  | { code: 'not_uscc'; uscc: string; detail: UsccProblem }
  | { code: 'no_letters_or_digits' }
  | { code: 'not_web_address' }
  | { code: 'not_http' }
  | { code: 'not_sites' }
  | { code: 'no_sites' }
  | { code: 'unknown_field'; fields: readonly string[] }
  | { code: 'before'; other: string; value: string }
  | { code: 'not_after'; other: string; value: string }
  | { code: 'decided_while_pending' }
  | { code: 'decision_needs_time'; decision: string }
  | { code: 'withdrawal_needs_it' }
  | { code: 'withdrawal_while_published' }
  | { code: 'repeated_key'; keyName: string; earlier: RecordLocation }
  | { code: 'approval_number_taken'; approvalNumber: string; body: string }
  | { code: 'unknown_reference'; target: ReferenceTarget; key: string }
  | { code: 'level_not_in_scheme'; scheme: string; level: string }
  | { code: 'move_refused'; move: MoveField; number: string; stored: string; proposed: string }
  | { code: 'not_an_object' }
  | { code: 'not_json_line'; detail: string };

/** Something wrong with a file as a whole, or with its layout. */
export type FileProblem =
  | { code: 'unreadable'; detail: string }
  | { code: 'no_kind'; kinds: readonly string[] }
  | { code: 'no_format' }
  | { code: 'not_utf8' }
  | { code: 'not_json'; detail: string }
  | { code: 'not_json_array' }
  | { code: 'csv_quote_not_closed' }
  | { code: 'csv_stray_quote' }
  | { code: 'csv_invalid'; detail: string }
  | { code: 'csv_semicolons' }
  | { code: 'csv_unknown_column'; fields: readonly string[] }
  | { code: 'csv_column_twice' }
  | { code: 'csv_key_column_missing'; keyFields: readonly string[] }
  | { code: 'csv_cell_count'; cells: number; columns: number }
  | { code: 'changed_meanwhile'; attempts: number }
  | { code: 'database_refused'; detail: string };

export type ProblemDetail = RecordProblem | FileProblem;

/** One thing wrong with a file, placed so that the person who made the file can find and mend it. */
export interface ImportProblem {
  /** Absent when the problem is the file's as a whole (not UTF-8, not a JSON array, …). */
  location?: RecordLocation;
  /** The record's field, as named in the file. */
  field?: string;
  problem: ProblemDetail;
}

/** A record as validated, with where it came from, so later problems (references) can point at it. */
export interface Located<Record> {
  location: RecordLocation;
  record: Record;
}

/** Problems shown per file, at most: past that, a count; more of the same rarely helps. */
export const MAX_SHOWN_PROBLEMS = 50;

/** The file is rejected as a whole: nothing of it is written. */
export class InvalidRecords extends Error {
  constructor(readonly problems: readonly ImportProblem[]) {
    super(
      `${problems.length} problems: ${problems
        .slice(0, 3)
        .map((problem) => problem.problem.code)
        .join(', ')}`,
    );
    this.name = 'InvalidRecords';
  }
}
