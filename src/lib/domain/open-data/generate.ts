/**
 * Writes the bulk files: each data set read once, a page at a time, each page turned into
 * CSV and NDJSON text and written through gzip into temporary files, hashed as the bytes
 * leave, then renamed to their stored names and listed in a new manifest (written aside and
 * renamed too). Nothing grows with the registry but the files: memory holds one page.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { PortalDb } from '../../db/database.ts';
import { writeAtomically } from '../search/store.ts';
import { csvLine } from '../../ground/text/csv.ts';
import { DATASETS, DEFAULT_PAGE_SIZE, readLookups, type Cell, type Dataset, type Lookups } from './datasets.ts';
import {
  fileName,
  FILE_FORMATS,
  MANIFEST_FORMAT,
  MANIFEST_NAME,
  readManifest,
  storedName,
  type FileFormat,
  type OpenDataFile,
  type OpenDataManifest,
} from './files.ts';

/**
 * Excel reads a CSV file without a byte order mark in the system's code page (GBK on a
 * Chinese Windows), which garbles every Chinese name; with the UTF-8 BOM it reads UTF-8.
 * Programs' CSV parsers skip it (csv-parse: `bom: true`).
 */
const UTF8_BOM = '\uFEFF';

/** zlib's default level: the files are written once per change and downloaded many times. */
const GZIP_LEVEL = 6;

/** Text into gzip into a file, with the SHA-256 and length of what reaches the file. */
class CompressedFile {
  private readonly gzip = createGzip({ level: GZIP_LEVEL });
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private readonly written: Promise<void>;

  constructor(readonly path: string) {
    const measure = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        done(null, chunk);
      },
    });
    this.written = pipeline(this.gzip, measure, createWriteStream(path, { flags: 'wx' }));
    // Awaited in finish; a failure (a full disk) meanwhile also ends write's wait for drain.
    this.written.catch(() => {});
  }

  async write(text: string): Promise<void> {
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
  }

  async finish(): Promise<{ sha256: string; bytes: number }> {
    this.gzip.end();
    await this.written;
    const handle = await open(this.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

function ndjsonLine(columns: readonly string[], cells: readonly Cell[]): string {
  const record: Record<string, Cell> = {};
  for (const [i, column] of columns.entries()) record[column] = cells[i]!;
  return `${JSON.stringify(record)}\n`;
}

/** One data set into its CSV and NDJSON files, read once. */
async function writeDataset(db: PortalDb, dataset: Dataset, lookups: Lookups, folder: string, pageSize: number): Promise<OpenDataFile[]> {
  const aside = `.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  const files: Record<FileFormat, CompressedFile> = {
    csv: new CompressedFile(join(folder, `${dataset.name}.csv${aside}`)),
    ndjson: new CompressedFile(join(folder, `${dataset.name}.ndjson${aside}`)),
  };
  try {
    let records = 0;
    await files.csv.write(UTF8_BOM + csvLine(dataset.columns));
    for await (const page of dataset.pages(db, lookups, pageSize)) {
      records += page.length;
      await Promise.all([
        files.csv.write(page.map(csvLine).join('')),
        files.ndjson.write(page.map((cells) => ndjsonLine(dataset.columns, cells)).join('')),
      ]);
    }
    const written: OpenDataFile[] = [];
    for (const format of FILE_FORMATS) {
      const { sha256, bytes } = await files[format].finish();
      const stored = storedName(dataset.name, format, sha256);
      await rename(files[format].path, join(folder, stored));
      written.push({ name: fileName(dataset.name, format), dataset: dataset.name, format, records, bytes, sha256, stored });
    }
    return written;
  } finally {
    for (const file of Object.values(files)) await rm(file.path, { force: true });
  }
}

/**
 * Writes every bulk file from the database into `folder` and the manifest that lists them;
 * removes the files no longer listed, but for those of the manifest before (a download that
 * began from it goes on reading them). Returns the new manifest.
 */
export async function generateOpenData(db: PortalDb, folder: string, now: () => Date, pageSize = DEFAULT_PAGE_SIZE): Promise<OpenDataManifest> {
  await mkdir(folder, { recursive: true });
  const previous = await readManifest(folder);
  const generatedAt = now().toISOString();
  const lookups = await readLookups(db);
  const files: OpenDataFile[] = [];
  for (const dataset of DATASETS) files.push(...(await writeDataset(db, dataset, lookups, folder, pageSize)));
  const manifest: OpenDataManifest = { format: MANIFEST_FORMAT, generatedAt, finishedAt: now().toISOString(), files };
  await writeAtomically(folder, MANIFEST_NAME, [Buffer.from(JSON.stringify(manifest, null, 1))]);
  const kept = new Set([MANIFEST_NAME, ...[...files, ...(previous?.files ?? [])].map((file) => file.stored)]);
  for (const entry of await readdir(folder)) if (!kept.has(entry)) await rm(join(folder, entry), { force: true });
  return manifest;
}
