/**
 * The saved index: one file per part (its header, then its buffer as it is in memory) and a
 * manifest naming the parts that make up the index, which notices in each no longer count,
 * and how far the database had been read. Every file is written aside, fsynced, renamed over
 * its name and its folder fsynced, so a crash leaves the previous files or the new ones,
 * never half of one. A part whose file does not check out is left out; the indexer then
 * finds its notices missing and indexes them again from the database.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Part, partBytes, type PartHeader } from './part.ts';

/** Bump when what is indexed, or how, changes: saved indexes of another format are not loaded. */
export const INDEX_FORMAT = 2;

const MAGIC = Buffer.from('NOTICEPART\n', 'latin1');
const MANIFEST = 'manifest.json';
/** Names the process that saves into the folder: with several processes on one database, only it writes. */
const WRITER_LOCK = 'writer.lock';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How far the database has been read: the newest updated_at seen per table, and the scheme levels. */
export interface ReadPosition {
  notice: string;
  organisation: string;
  scheme: string;
  /** Scheme levels have no updated_at; their names as last read, "schemeId code" to name. */
  levels: Record<string, string>;
}

export interface Manifest {
  position: ReadPosition;
  nextSeq: number;
  parts: { seq: number; file: string; bytes: number; dead: number[] }[];
}

interface SavedHeader extends PartHeader {
  format: number;
  sha256: string;
}

export function partFileName(seq: number): string {
  return `part-${String(seq).padStart(8, '0')}.bin`;
}

function bodyOf(part: Part): Uint8Array {
  return new Uint8Array(part.buffer);
}

/** Writes `name` in `folder` aside, fsyncs it, renames it over its name and fsyncs the folder: a crash leaves the old file or the new one. */
export async function writeAtomically(folder: string, name: string, chunks: readonly Uint8Array[]): Promise<void> {
  const target = join(folder, name);
  const aside = `${target}.${process.pid}.partial`;
  const file = await open(aside, 'w');
  try {
    for (const chunk of chunks) {
      for (let written = 0; written < chunk.length; ) {
        written += (await file.write(chunk, written, chunk.length - written)).bytesWritten;
      }
    }
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(aside, target);
  } catch (error) {
    await rm(aside, { force: true });
    throw error;
  }
  const directory = await open(folder, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

export class IndexStore {
  private writer = false;

  constructor(readonly folder: string) {}

  /**
   * Whether this process may save here: it may when the lock names it, or no running process
   * (a lock left by one that stopped is taken over). Others load what it saves at their start.
   */
  async claim(): Promise<{ writer: true } | { writer: false; pid: number }> {
    if (this.writer) return { writer: true };
    await mkdir(this.folder, { recursive: true });
    const lock = join(this.folder, WRITER_LOCK);
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(lock, String(process.pid), { flag: 'wx' });
        this.writer = true;
        return { writer: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const pid = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (pid === process.pid) {
        this.writer = true;
        return { writer: true };
      }
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) return { writer: false, pid };
      await rm(lock, { force: true });
    }
  }

  async savePart(part: Part): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const body = bodyOf(part);
    const header: SavedHeader = { ...part.header, format: INDEX_FORMAT, sha256: createHash('sha256').update(body).digest('hex') };
    const json = Buffer.from(JSON.stringify(header));
    const lead = Buffer.alloc(MAGIC.length + 4);
    MAGIC.copy(lead);
    lead.writeUInt32LE(json.length, MAGIC.length);
    const padding = Buffer.alloc((8 - ((lead.length + json.length) % 8)) % 8);
    await writeAtomically(this.folder, partFileName(part.seq), [lead, json, padding, body]);
  }

  /** The part saved in `file`; throws, saying why, when the file is missing, short or altered. */
  async loadPart(file: string): Promise<Part> {
    const handle = await open(join(this.folder, file), 'r');
    try {
      const { size } = await handle.stat();
      const lead = Buffer.alloc(MAGIC.length + 4);
      await handle.read(lead, 0, lead.length, 0);
      if (!lead.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a saved part');
      const jsonLength = lead.readUInt32LE(MAGIC.length);
      if (lead.length + jsonLength > size) throw new Error('truncated header');
      const json = Buffer.alloc(jsonLength);
      await handle.read(json, 0, jsonLength, lead.length);
      const header = JSON.parse(json.toString('utf8')) as SavedHeader;
      if (header.format !== INDEX_FORMAT) throw new Error(`format ${header.format}, not ${INDEX_FORMAT}`);
      const start = lead.length + jsonLength + ((8 - ((lead.length + jsonLength) % 8)) % 8);
      const { format: _format, sha256, ...partHeader } = header;
      const bytes = partBytes(partHeader);
      if (size !== start + bytes) throw new Error(`${size} bytes, ${start + bytes} expected`);
      const buffer = new SharedArrayBuffer(bytes);
      const body = new Uint8Array(buffer);
      for (let read = 0; read < bytes; ) {
        const { bytesRead } = await handle.read(body, read, bytes - read, start + read);
        if (bytesRead === 0) throw new Error('truncated body');
        read += bytesRead;
      }
      if (createHash('sha256').update(body).digest('hex') !== sha256) throw new Error('checksum does not match');
      return new Part(partHeader, buffer);
    } finally {
      await handle.close();
    }
  }

  async saveManifest(manifest: Manifest): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    await writeAtomically(this.folder, MANIFEST, [Buffer.from(JSON.stringify({ format: INDEX_FORMAT, ...manifest }))]);
  }

  /** The saved manifest; undefined when there is none, it does not parse, or it is of another format. */
  async loadManifest(): Promise<{ manifest?: Manifest; problem?: string }> {
    let text: string;
    try {
      text = await readFile(join(this.folder, MANIFEST), 'utf8');
    } catch {
      return {};
    }
    try {
      const { format, ...manifest } = JSON.parse(text) as Manifest & { format: number };
      if (format !== INDEX_FORMAT) return { problem: `it is of format ${format}, not ${INDEX_FORMAT}` };
      return { manifest };
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Deletes the files no manifest names any more: merged parts, and what an interrupted save left. */
  async removeUnlisted(manifest: Manifest): Promise<void> {
    const listed = new Set([MANIFEST, WRITER_LOCK, ...manifest.parts.map(({ file }) => file)]);
    let files: string[];
    try {
      files = await readdir(this.folder);
    } catch {
      return;
    }
    for (const file of files) if (!listed.has(file)) await rm(join(this.folder, file), { force: true });
  }
}
