/**
 * Makes the demo data set's rows in a worker thread while the thread that started it writes
 * them: at national size each takes minutes, and they run side by side. Rows go out in
 * batches, table by table in WRITE_ORDER, as column names and one flat array of values; at
 * most two batches wait to be written, so memory stays bounded whatever the size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { demoRows, WRITE_ORDER, type BulkTable, type DemoRowsOptions } from './rows.ts';

export interface TableRows {
  table: BulkTable;
  columns: string[];
  /** Row after row, each with its values in the order of `columns`. */
  values: unknown[];
  rows: number;
}

export type RowsWorkerMessage = { type: 'rows'; tables: TableRows[] } | { type: 'done' } | { type: 'failed'; message: string };

const BATCH_ROWS = 5000;
const WAITING_BATCHES = 2;

const port = parentPort!;
let waiting = 0;
let resume: (() => void) | undefined;
port.on('message', (message: 'written') => {
  if (message !== 'written') return;
  waiting--;
  resume?.();
  resume = undefined;
});

async function run(): Promise<void> {
  const buffers = new Map<BulkTable, Record<string, unknown>[]>(WRITE_ORDER.map((table) => [table, []]));
  let buffered = 0;
  const send = async () => {
    const tables = WRITE_ORDER.flatMap((table): TableRows[] => {
      const rows = buffers.get(table)!;
      if (rows.length === 0) return [];
      const columns = Object.keys(rows[0]!);
      const values: unknown[] = [];
      for (const row of rows) for (const column of columns) values.push(row[column] ?? null);
      buffers.set(table, []);
      return [{ table, columns, values, rows: rows.length }];
    });
    buffered = 0;
    if (tables.length === 0) return;
    waiting++;
    port.postMessage({ type: 'rows', tables } satisfies RowsWorkerMessage);
    if (waiting >= WAITING_BATCHES) await new Promise<void>((resolve) => (resume = resolve));
  };
  for (const { table, row } of demoRows(workerData as DemoRowsOptions)) {
    buffers.get(table)!.push(row as Record<string, unknown>);
    if (++buffered >= BATCH_ROWS) await send();
  }
  await send();
  port.postMessage({ type: 'done' } satisfies RowsWorkerMessage);
}

run().catch((error: unknown) =>
  port.postMessage({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RowsWorkerMessage),
);
