/**
 * The three file formats of the import, read into plain records with their location:
 * a JSON array of objects, NDJSON (one object a line) and CSV (RFC 4180, a header row of
 * field names). All are UTF-8, with or without a byte order mark.
 *
 * A field a record does not have is absent from its fields (left as stored); an empty CSV
 * cell, like null in JSON, is present and says "nothing".
 */
import { CsvError, parse as parseCsv, type Options as CsvOptions } from 'csv-parse/sync';
import { csvCell } from '../../ground/text/csv.ts';
import { InvalidRecords, type FileProblem, type ImportProblem, type RecordLocation } from './problems.ts';

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

/** What a file's records may carry: a CSV header is checked against it before any row. */
export interface RecordShape {
  fields: readonly string[];
  keyFields: readonly string[];
}

const fileProblem = (problem: FileProblem, location?: RecordLocation): InvalidRecords =>
  new InvalidRecords([{ ...(location ? { location } : {}), problem }]);

/**
 * A file's records, and the problems of those that could not be read (a line that is no
 * JSON, a row with too many cells), which the other records are checked beside. A file
 * that cannot be read at all throws InvalidRecords.
 */
export interface ReadRecords {
  records: RawRecord[];
  problems: ImportProblem[];
}

export function readRecords(content: Uint8Array, format: FileFormat, shape: RecordShape): ReadRecords {
  let text: string;
  try {
    // The decoder drops a leading byte order mark, so every format accepts one.
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw fileProblem({ code: 'not_utf8' });
  }
  switch (format) {
    case 'json':
      return readJsonArray(text);
    case 'ndjson':
      return readNdjson(text);
    case 'csv':
      return readCsv(text, shape);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readJsonArray(text: string): ReadRecords {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw fileProblem({ code: 'not_json', detail: (error as Error).message });
  }
  if (!Array.isArray(parsed)) throw fileProblem({ code: 'not_json_array' });
  const problems: ImportProblem[] = [];
  const records: RawRecord[] = [];
  parsed.forEach((value, index) => {
    const location = { record: index + 1 };
    if (isPlainObject(value)) records.push({ location, fields: value });
    else problems.push({ location, problem: { code: 'not_an_object' } });
  });
  return { records, problems };
}

function readNdjson(text: string): ReadRecords {
  const problems: ImportProblem[] = [];
  const records: RawRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const location = { line: index + 1 };
    try {
      const value: unknown = JSON.parse(line);
      if (isPlainObject(value)) records.push({ location, fields: value });
      else problems.push({ location, problem: { code: 'not_an_object' } });
    } catch (error) {
      problems.push({ location, problem: { code: 'not_json_line', detail: (error as Error).message } });
    }
  });
  return { records, problems };
}

/** What csv-parse's errors mean to the person who saved the file. */
function csvProblem(error: CsvError): FileProblem {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return { code: 'csv_quote_not_closed' };
    case 'INVALID_OPENING_QUOTE':
      return { code: 'csv_stray_quote' };
    default:
      return { code: 'csv_invalid', detail: error.message };
  }
}

/** Excel writes ";" between cells where the decimal separator is a comma: a header of known fields joined by ";" is such a file. */
function separatedBySemicolons(text: string, shape: RecordShape): boolean {
  const header = text.slice(0, text.search(/\r?\n|$/));
  if (header.includes(',') || !header.includes(';')) return false;
  return header.split(';').some((cell) => shape.fields.includes(cell.trim().replace(/^"|"$/g, '')));
}

function readCsv(text: string, shape: RecordShape): ReadRecords {
  if (separatedBySemicolons(text, shape)) throw fileProblem({ code: 'csv_semicolons' }, { line: 1 });
  // Lines are counted here, from byte offsets: csv-parse counts a CRLF inside a quoted field as two.
  const bytes = Buffer.from(text, 'utf8');
  let scanned = 0;
  let line = 1;
  const lineAt = (offset: number) => {
    for (; scanned < offset; scanned++) if (bytes[scanned] === 0x0a) line += 1;
    return line;
  };
  let previousEnd = 0;
  // A record starts after the previous one and the empty lines skipped since; people look for where it starts.
  const startOfNextRecord = () => {
    let start = previousEnd;
    while (bytes[start] === 0x0a || bytes[start] === 0x0d) start += 1;
    return lineAt(start);
  };
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
        const row = { cells, line: startOfNextRecord() };
        previousEnd = context.bytes;
        return row;
      },
    });
  } catch (error) {
    // The parser gives up where it notices (an unclosed quote: at the end of the file); the record that broke starts after the last good one.
    if (error instanceof CsvError) throw fileProblem(csvProblem(error), { line: startOfNextRecord() });
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) return { records: [], problems: [] };

  const columns = header.cells.map((name) => name.trim());
  const headerProblems: ImportProblem[] = [];
  const headerLocation = { line: header.line };
  columns.forEach((column, index) => {
    if (!shape.fields.includes(column)) {
      headerProblems.push({
        location: headerLocation,
        field: column || `(${index + 1})`,
        problem: { code: 'csv_unknown_column', fields: shape.fields },
      });
    } else if (columns.indexOf(column) !== index) {
      headerProblems.push({ location: headerLocation, field: column, problem: { code: 'csv_column_twice' } });
    }
  });
  // Without its key a row cannot be told apart; with an unknown column, the rows are still checked, so that every problem is said at once.
  if (shape.keyFields.some((field) => !columns.includes(field))) {
    throw new InvalidRecords([
      ...headerProblems,
      { location: headerLocation, problem: { code: 'csv_key_column_missing', keyFields: shape.keyFields } },
    ]);
  }
  const known = new Set(columns.filter((column, index) => shape.fields.includes(column) && columns.indexOf(column) === index));

  const problems: ImportProblem[] = [...headerProblems];
  const records: RawRecord[] = [];
  for (const { cells, line: recordLine } of body) {
    const location = { line: recordLine };
    if (cells.length !== columns.length) {
      problems.push({ location, problem: { code: 'csv_cell_count', cells: cells.length, columns: columns.length } });
      continue;
    }
    // An empty cell is "nothing" (CSV cannot tell empty from none); a column the file lacks is absent.
    const record: Record<string, unknown> = {};
    cells.forEach((cell, index) => {
      if (known.has(columns[index]!)) record[columns[index]!] = cell === '' ? null : cell;
    });
    records.push({ location, fields: record });
  }
  return { records, problems };
}

/** The inverse of readRecords: records in a format, with `fields` in this order (CSV: absent is empty). */
export function formatRecords(records: readonly Record<string, unknown>[], format: FileFormat, fields: readonly string[]): string {
  // Known fields in their order, any others after them (JSON only: a CSV has its header's columns).
  const ordered = records.map((record) => ({
    ...Object.fromEntries(fields.filter((field) => field in record).map((field) => [field, record[field]])),
    ...record,
  }));
  switch (format) {
    case 'json':
      return `[\n${ordered.map((record) => `  ${JSON.stringify(record)}`).join(',\n')}\n]\n`;
    case 'ndjson':
      return ordered.map((record) => `${JSON.stringify(record)}\n`).join('');
    case 'csv': {
      const cell = (value: unknown) =>
        csvCell(value === undefined || value === null ? null : Array.isArray(value) ? value.join('\n') : (value as string | number));
      return [fields.join(','), ...ordered.map((record) => fields.map((field) => cell(record[field])).join(','))].map((line) => `${line}\n`).join('');
    }
  }
}
