/**
 * The three file formats of the import, read into plain records with their location:
 * a JSON array of objects, NDJSON (one object a line) and CSV (RFC 4180, a header row of
 * field names). All are UTF-8, with or without a byte order mark.
 */
import { CsvError, parse as parseCsv, type Options as CsvOptions } from 'csv-parse/sync';
import { csvCell } from '../text/csv.ts';
import { InvalidRecords, type ImportProblem, type RecordLocation } from './problems.ts';

export const FILE_FORMATS = ['json', 'ndjson', 'csv'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** A record as the file has it: field names and values not yet checked. */
export interface RawRecord {
  location: RecordLocation;
  fields: Record<string, unknown>;
}

/** The format a file name says: .json, .ndjson (or .jsonl) or .csv; null for anything else. */
export function formatOfFileName(name: string): FileFormat | null {
  const extension = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === 'jsonl') return 'ndjson';
  return FILE_FORMATS.find((format) => format === extension) ?? null;
}

/** `fields` are the names a record may carry: a CSV header is checked against them before any row. */
export function readRecords(content: Uint8Array, format: FileFormat, fields: readonly string[]): RawRecord[] {
  let text: string;
  try {
    // The decoder drops a leading byte order mark, so every format accepts one.
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new InvalidRecords([{ reason: 'is not UTF-8 text; save it as UTF-8 (with or without BOM)' }]);
  }
  switch (format) {
    case 'json':
      return readJsonArray(text);
    case 'ndjson':
      return readNdjson(text);
    case 'csv':
      return readCsv(text, fields);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readJsonArray(text: string): RawRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidRecords([{ reason: `is not valid JSON: ${(error as Error).message}` }]);
  }
  if (!Array.isArray(parsed)) throw new InvalidRecords([{ reason: 'must be a JSON array of records: [ { … }, { … } ]' }]);
  const problems: ImportProblem[] = [];
  const records: RawRecord[] = [];
  parsed.forEach((value, index) => {
    const location = { record: index + 1 };
    if (isPlainObject(value)) records.push({ location, fields: value });
    else problems.push({ location, reason: 'must be an object { "field": value, … }' });
  });
  if (problems.length > 0) throw new InvalidRecords(problems);
  return records;
}

function readNdjson(text: string): RawRecord[] {
  const problems: ImportProblem[] = [];
  const records: RawRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const location = { line: index + 1 };
    try {
      const value: unknown = JSON.parse(line);
      if (isPlainObject(value)) records.push({ location, fields: value });
      else problems.push({ location, reason: 'must be a JSON object { "field": value, … } on one line' });
    } catch (error) {
      problems.push({ location, reason: `is not valid JSON: ${(error as Error).message}` });
    }
  });
  if (problems.length > 0) throw new InvalidRecords(problems);
  return records;
}

function readCsv(text: string, fields: readonly string[]): RawRecord[] {
  // Lines are counted here, from byte offsets: csv-parse counts a CRLF inside a quoted field as two.
  const bytes = Buffer.from(text, 'utf8');
  let scanned = 0;
  let line = 1;
  const lineAt = (offset: number) => {
    for (; scanned < offset; scanned++) if (bytes[scanned] === 0x0a) line += 1;
    return line;
  };
  let previousEnd = 0;
  type CsvRow = { cells: string[]; line: number };
  // The sync API's types know no on_record that changes a record's shape; the function does.
  const parseRows = parseCsv as unknown as (input: Buffer, options: CsvOptions<CsvRow, string[]>) => CsvRow[];
  let rows: CsvRow[];
  try {
    rows = parseRows(bytes, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (cells, context) => {
        // A record starts after the previous one and the empty lines skipped since; people look for where it starts.
        let start = previousEnd;
        while (bytes[start] === 0x0a || bytes[start] === 0x0d) start += 1;
        previousEnd = context.bytes;
        return { cells, line: lineAt(start) };
      },
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const where = (error as CsvError & { lines?: number }).lines;
      throw new InvalidRecords([{ ...(where ? { location: { line: where } } : {}), reason: `is not valid CSV: ${error.message}` }]);
    }
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) return [];

  const columns = header.cells.map((name) => name.trim());
  const headerProblems: ImportProblem[] = [];
  const headerLocation = { line: header.line };
  columns.forEach((column, index) => {
    if (!fields.includes(column)) {
      headerProblems.push({ location: headerLocation, field: column || `(column ${index + 1})`, reason: `is not a field of these records; the fields are ${fields.join(', ')}` });
    } else if (columns.indexOf(column) !== index) {
      headerProblems.push({ location: headerLocation, field: column, reason: 'appears twice in the header' });
    }
  });
  if (headerProblems.length > 0) throw new InvalidRecords(headerProblems);

  const problems: ImportProblem[] = [];
  const records: RawRecord[] = [];
  for (const { cells, line: recordLine } of body) {
    const location = { line: recordLine };
    if (cells.length !== columns.length) {
      problems.push({ location, reason: `has ${cells.length} fields, the header has ${columns.length}` });
      continue;
    }
    const record: Record<string, unknown> = {};
    // An empty cell is an absent value: CSV cannot tell "empty" from "none".
    cells.forEach((cell, index) => {
      if (cell !== '') record[columns[index]!] = cell;
    });
    records.push({ location, fields: record });
  }
  if (problems.length > 0) throw new InvalidRecords(problems);
  return records;
}

/** The inverse of readRecords: records in a format, with `fields` in this order (CSV: absent is empty). */
export function formatRecords(records: readonly Record<string, unknown>[], format: FileFormat, fields: readonly string[]): string {
  // Known fields in their order, any others after them (JSON only: a CSV has its header's columns).
  const ordered = records.map((record) => ({ ...Object.fromEntries(fields.filter((field) => field in record).map((field) => [field, record[field]])), ...record }));
  switch (format) {
    case 'json':
      return `[\n${ordered.map((record) => `  ${JSON.stringify(record)}`).join(',\n')}\n]\n`;
    case 'ndjson':
      return ordered.map((record) => `${JSON.stringify(record)}\n`).join('');
    case 'csv': {
      const cell = (value: unknown) => csvCell(value === undefined || value === null ? null : Array.isArray(value) ? value.join('\n') : (value as string | number));
      return [fields.join(','), ...ordered.map((record) => fields.map((field) => cell(record[field])).join(','))].map((line) => `${line}\n`).join('');
    }
  }
}
