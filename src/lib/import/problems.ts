/** Where a record sits in its file: a line (NDJSON, CSV) or a position in a JSON array. */
export type RecordLocation = { line: number } | { record: number };

export function describeLocation(location: RecordLocation): string {
  return 'line' in location ? `line ${location.line}` : `record ${location.record}`;
}

/** One thing wrong with a file, said so that the person who made the file can find and mend it. */
export interface ImportProblem {
  /** Absent when the problem is the file's as a whole (not UTF-8, not a JSON array, …). */
  location?: RecordLocation;
  /** The record's field, as named in the file. */
  field?: string;
  reason: string;
}

/** A record as validated, with where it came from, so later problems (references) can point at it. */
export interface Located<Record> {
  location: RecordLocation;
  record: Record;
}

/** Problems reported per file, at most: past that, more of the same rarely helps. */
export const MAX_REPORTED_PROBLEMS = 50;

export function describeProblem(file: string, problem: ImportProblem): string {
  const where = [file, problem.location && describeLocation(problem.location)].filter(Boolean).join(' ');
  return `${where}: ${problem.field ? `${problem.field}: ` : ''}${problem.reason}`;
}

/** Problems found in records, before the file that holds them is known to the finder. */
export class InvalidRecords extends Error {
  constructor(readonly problems: readonly ImportProblem[]) {
    super(problems.slice(0, MAX_REPORTED_PROBLEMS).map((problem) => describeProblem('(file)', problem)).join('; '));
    this.name = 'InvalidRecords';
  }
}

/** The file is rejected as a whole: nothing of it is written. */
export class ImportRejected extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ImportProblem[],
  ) {
    const shown = problems.slice(0, MAX_REPORTED_PROBLEMS).map((problem) => describeProblem(file, problem));
    const more = problems.length > shown.length ? [`… and ${problems.length - shown.length} more problems`] : [];
    super([`${file} was rejected; nothing of it was written:`, ...shown, ...more].join('\n  '));
    this.name = 'ImportRejected';
  }
}
