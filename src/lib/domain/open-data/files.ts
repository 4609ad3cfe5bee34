/**
 * The bulk files on disk: where they are kept and the manifest that lists them. Each file is
 * stored under a name that carries its SHA-256 (certificates.3fa1….csv.gz), so whoever read
 * the manifest opens the very bytes it describes, even while newer files replace them; the
 * address people use (/data/certificates.csv.gz) never changes.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from './datasets.ts';

export const FILE_FORMATS = ['csv', 'ndjson'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** Bump when what a file holds, or how, changes: a manifest of another format is written again at start. */
export const MANIFEST_FORMAT = 1;
export const MANIFEST_NAME = 'manifest.json';

export interface OpenDataFile {
  /** The address's last part: certificates.csv.gz. */
  name: string;
  dataset: DatasetName;
  format: FileFormat;
  records: number;
  /** Of the compressed file, as served. */
  bytes: number;
  /** Of the compressed file, as served: its ETag too. */
  sha256: string;
  /** The name it is stored under in the folder. */
  stored: string;
}

export interface OpenDataManifest {
  format: number;
  /** When the reading of the database began (UTC): the files show the registry as of about then. */
  generatedAt: string;
  /** When the last file was complete. */
  finishedAt: string;
  files: OpenDataFile[];
}

/** Where the bulk files of a database are kept: beside it, as the search index is, one folder per database file. */
export function openDataFolder(databasePath: string): string {
  return join(dirname(databasePath), 'open-data', basename(databasePath));
}

export const fileName = (dataset: DatasetName, format: FileFormat) => `${dataset}.${format}.gz`;
export const storedName = (dataset: DatasetName, format: FileFormat, sha256: string) => `${dataset}.${sha256.slice(0, 16)}.${format}.gz`;

/** Every address a bulk file has, whether or not it has been written yet. */
export const OPEN_DATA_FILE_NAMES: ReadonlySet<string> = new Set(
  DATASET_NAMES.flatMap((dataset) => FILE_FORMATS.map((format) => fileName(dataset, format))),
);

/** The manifest of the files last written; null before the first are complete, or when it is of another format. */
export async function readManifest(folder: string): Promise<OpenDataManifest | null> {
  let text: string;
  try {
    text = await readFile(join(folder, MANIFEST_NAME), 'utf8');
  } catch {
    return null;
  }
  try {
    const manifest = JSON.parse(text) as OpenDataManifest;
    return manifest.format === MANIFEST_FORMAT ? manifest : null;
  } catch {
    return null;
  }
}
