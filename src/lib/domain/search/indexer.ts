/**
 * Keeps the notice index in step with the database, whoever writes it (the portal, the
 * import, the back office's own tools, plain SQL), by asking the database what changed:
 *
 * - rows of notice, organisation and scheme whose updated_at is newer than the newest seen
 *   (minus a margin for transactions that commit after others stamped later), and the scheme
 *   levels, a small table without updated_at, compared whole;
 * - for those, the notices whose indexed text they make, read again and digested: only the
 *   notices whose digest changed are indexed again, into a new small part;
 * - the count of notices: when it differs from the index's, the ids say which were deleted
 *   (or which a lost part held).
 *
 * Small parts are merged in the background, a few of a size at a time, so that a change
 * costs work in proportion to it. Every step is saved; a failed save is retried with
 * back-off while the index keeps serving.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PortalDb } from '../../db/database.ts';
import {
  allNoticeIds,
  levelNames,
  newestUpdate,
  noticeCount,
  noticesOfLevel,
  noticesReferencing,
  rowsUpdatedAfter,
  WATCHED_TABLES,
  type WatchedTable,
} from './changes.ts';
import { readNoticeEntries, readNoticeEntriesAfter } from './corpus.ts';
import { NoticeIndex, partMessage, type IndexCommand, type IndexedPart } from './notice-index.ts';
import { mergeParts, PartBuilder, type Part } from './part.ts';
import { partFileName, type IndexStore, type Manifest, type ReadPosition } from './store.ts';

/** Builds the part of the notices with ids in (afterId, upToId]: in this thread, or in a builder thread. */
/** To a builder thread of the first build: the notices with ids in (afterId, upToId] make part `seq`. */
export interface BuildRequest {
  seq: number;
  afterId: number;
  upToId: number;
}

export type PartMaker = (request: BuildRequest) => Promise<Part>;

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function buildPartFromDatabase(db: PortalDb, { seq, afterId, upToId }: BuildRequest): Promise<Part> {
  const builder = new PartBuilder();
  for (let after = afterId; ; ) {
    const entries = await readNoticeEntriesAfter(db, after, READ_PAGE, upToId);
    if (entries.length === 0) break;
    for (const entry of entries) builder.add(entry);
    after = entries.at(-1)!.document.id;
    await yieldToEvents();
  }
  return builder.finish(seq);
}

export interface IndexerOptions {
  db: PortalDb;
  /** Where the index is saved; none keeps it in memory only. */
  store?: IndexStore;
  /** Each step, once the indexer's own index took it: the query thread takes the same. */
  publish?: (command: IndexCommand) => void;
  log?: (line: string) => void;
  clock?: () => Date;
  /**
   * How much older than the newest change seen a commit may be stamped and still be found:
   * a transaction stamps updated_at when it writes and may commit after a later one.
   */
  lateCommitMilliseconds?: number;
  /** Notices per part of the first build. */
  firstBuildPartSize?: number;
  /** Who builds the parts of the first build, one part each at a time (by default this thread alone). */
  partMakers?: PartMaker[];
}

export interface CatchUpSummary {
  /** Notices whose text was read and digested again. */
  examined: number;
  /** Of which indexed again (new, or their digest changed). */
  reindexed: number;
  /** Deleted notices taken out. */
  retired: number;
}

export interface MergeSummary {
  parts: number;
  notices: number;
  milliseconds: number;
}

export interface IndexerStatus {
  liveNotices: number;
  /** The parts' shared buffers, in bytes: the index's memory outside the threads' heaps. */
  partBytes: number;
  parts: { seq: number; documents: number; live: number }[];
  reindexed: number;
  retired: number;
  merges: MergeSummary[];
  merging: boolean;
  saving: boolean;
  saveFailing: boolean;
}

const READ_PAGE = 2000;
const FIRST_BUILD_PART = 16_384;
/** Notices read again per step of a large change (a scheme renamed touches thousands). */
const CHANGE_BATCH = 5000;
const LATE_COMMIT_MS = 5 * 60_000;
const MERGE_FACTOR = 4;
/** A merge makes parts of at most half the index (or this), so no merge more than adds half to memory. */
const SMALLEST_MERGE_CAP = 20_000;
const SAVE_RETRY_FIRST_MS = 1000;
const SAVE_RETRY_LAST_MS = 60_000;

function emptyPosition(): ReadPosition {
  return { notice: '', organisation: '', scheme: '', levels: {} };
}

function tierOf(notices: number): number {
  return Math.floor(Math.log(Math.max(notices, 1)) / Math.log(MERGE_FACTOR));
}

/**
 * What to merge next: a part more than a quarter dead is rewritten alone; otherwise the
 * smallest size tier with MERGE_FACTOR parts gives its smallest ones, if their sum stays
 * under the cap.
 */
export function chooseMerge(parts: readonly IndexedPart[], liveNotices: number): IndexedPart[] | undefined {
  const mostlyDead = parts.find(({ part, liveCount }) => part.documents - liveCount > part.documents / 4);
  if (mostlyDead) return [mostlyDead];
  const cap = Math.max(SMALLEST_MERGE_CAP, Math.ceil(liveNotices / 2));
  const tiers = new Map<number, IndexedPart[]>();
  for (const indexed of parts) {
    const tier = tierOf(indexed.liveCount);
    tiers.set(tier, [...(tiers.get(tier) ?? []), indexed]);
  }
  for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
    const group = tiers
      .get(tier)!
      .sort((a, b) => a.liveCount - b.liveCount)
      .slice(0, MERGE_FACTOR);
    if (group.length === MERGE_FACTOR && group.reduce((sum, { liveCount }) => sum + liveCount, 0) <= cap) return group;
  }
  return undefined;
}

/** Sorted ids in `a` but not in `b`. */
function missingFrom(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const missing: number[] = [];
  for (let i = 0, j = 0; i < a.length; i++) {
    while (j < b.length && b[j]! < a[i]!) j++;
    if (j >= b.length || b[j] !== a[i]) missing.push(a[i]!);
  }
  return missing;
}

export class NoticeIndexer {
  readonly index = new NoticeIndex();
  private readonly db: PortalDb;
  private readonly store: IndexStore | undefined;
  private readonly publish: (command: IndexCommand) => void;
  private readonly log: (line: string) => void;
  private readonly clock: () => Date;
  private readonly lateCommitMs: number;
  private readonly firstBuildPartSize: number;
  private readonly partMakers: PartMaker[];
  private position = emptyPosition();
  /** Per table, rows already read at their updated_at, while the margin would read them again. */
  private readonly seen = new Map<WatchedTable, Map<number, string>>(WATCHED_TABLES.map((table) => [table, new Map()]));
  private nextSeq = 1;
  /** A part was lost: compare the ids with the database's before trusting the count. */
  private mustReconcile = false;
  private merging = false;
  private readonly savedParts = new Set<number>();
  private saveRequested = false;
  private saveLoop: Promise<void> | undefined;
  private saveFailing = false;
  private otherWriter = false;
  private totals = { reindexed: 0, retired: 0 };
  private readonly merges: MergeSummary[] = [];

  constructor(options: IndexerOptions) {
    this.db = options.db;
    this.store = options.store;
    this.publish = options.publish ?? (() => {});
    this.log = options.log ?? (() => {});
    this.clock = options.clock ?? (() => new Date());
    this.lateCommitMs = options.lateCommitMilliseconds ?? LATE_COMMIT_MS;
    this.firstBuildPartSize = options.firstBuildPartSize ?? FIRST_BUILD_PART;
    this.partMakers = options.partMakers ?? [(request) => buildPartFromDatabase(this.db, request)];
  }

  /**
   * The saved index when there is one (then whatever changed since is caught up by the next
   * catchUp), else the first build from the database. Resolves when the index can answer.
   */
  async open(): Promise<'disk' | 'database'> {
    if (await this.restore()) {
      // A lost part's notices are indexed again before the index answers: it would miss them.
      if (this.mustReconcile) await this.catchUp();
      return 'disk';
    }
    await this.build();
    return 'database';
  }

  private async restore(): Promise<boolean> {
    if (!this.store) return false;
    const { manifest, problem } = await this.store.loadManifest();
    if (problem) this.log(`Search: the saved index in ${this.store.folder} cannot be used (${problem}); building it from the database`);
    if (!manifest) return false;
    for (const { file, dead } of manifest.parts) {
      let part: Part;
      try {
        part = await this.store.loadPart(file);
      } catch (error) {
        this.log(
          `Search: saved part ${file} cannot be read (${error instanceof Error ? error.message : String(error)}); its notices are indexed again from the database`,
        );
        this.mustReconcile = true;
        continue;
      }
      this.step({ type: 'restore', part: partMessage(part), dead });
      this.savedParts.add(part.seq);
    }
    this.position = manifest.position;
    this.nextSeq = manifest.nextSeq;
    if (this.mustReconcile) this.requestSave();
    return true;
  }

  /** Every notice, in ranges of firstBuildPartSize ids, each read in id order into a part, by every part maker at once. */
  private async build(): Promise<void> {
    // Read before the notices: whatever changes while they are read is newer, and caught up after.
    for (const table of WATCHED_TABLES) this.position[table] = await newestUpdate(this.db, table);
    this.position.levels = await levelNames(this.db);
    const ids = await allNoticeIds(this.db);
    const ranges: BuildRequest[] = [];
    for (let start = 0; start < ids.length; start += this.firstBuildPartSize) {
      const end = Math.min(ids.length, start + this.firstBuildPartSize);
      ranges.push({ seq: this.nextSeq++, afterId: start === 0 ? 0 : ids[start - 1]!, upToId: ids[end - 1]! });
    }
    let next = 0;
    await Promise.all(
      this.partMakers.map(async (makePart) => {
        while (next < ranges.length) {
          const part = await makePart(ranges[next++]!);
          // Deleted while the build ran: an empty range makes no part.
          if (part.documents > 0) this.step({ type: 'add', part: partMessage(part), retired: [] });
        }
      }),
    );
    this.requestSave();
  }

  /** One look at the database: indexes what changed since the last look, takes out what was deleted. */
  async catchUp(): Promise<CatchUpSummary> {
    const floor = new Date(this.clock().getTime() - this.lateCommitMs).toISOString();
    const newest = { ...this.position };
    const fresh: Record<WatchedTable, number[]> = { notice: [], organisation: [], scheme: [] };
    const read: [WatchedTable, number, string][] = [];
    for (const table of WATCHED_TABLES) {
      const cutoff = this.position[table] < floor ? this.position[table] : floor;
      const seen = this.seen.get(table)!;
      for (const { id, updatedAt } of await rowsUpdatedAfter(this.db, table, cutoff)) {
        if (seen.get(id) === updatedAt) continue;
        fresh[table].push(id);
        read.push([table, id, updatedAt]);
        if (updatedAt > newest[table]) newest[table] = updatedAt;
      }
    }
    const levels = await levelNames(this.db);
    const affected = new Set(fresh.notice);
    for (const id of await noticesReferencing(this.db, 'organisationId', fresh.organisation)) affected.add(id);
    for (const id of await noticesReferencing(this.db, 'schemeId', fresh.scheme)) affected.add(id);
    for (const key of new Set([...Object.keys(levels), ...Object.keys(this.position.levels)])) {
      if (this.position.levels[key] === levels[key]) continue;
      const [schemeId, code] = key.split(' ');
      for (const id of await noticesOfLevel(this.db, Number(schemeId), code!)) affected.add(id);
    }

    const summary = await this.reindex([...affected]);
    if (this.mustReconcile || (await noticeCount(this.db)) !== this.index.liveNotices) {
      const reconciled = await this.reconcile();
      summary.examined += reconciled.examined;
      summary.reindexed += reconciled.reindexed;
      summary.retired += reconciled.retired;
    }

    // Only now is the database read this far: a step that failed above is read again next time.
    const moved =
      WATCHED_TABLES.some((table) => newest[table] !== this.position[table]) || JSON.stringify(levels) !== JSON.stringify(this.position.levels);
    this.position = { ...newest, levels };
    for (const [table, id, updatedAt] of read) this.seen.get(table)!.set(id, updatedAt);
    for (const table of WATCHED_TABLES) {
      const cutoff = this.position[table] < floor ? this.position[table] : floor;
      for (const [id, updatedAt] of this.seen.get(table)!) if (updatedAt <= cutoff) this.seen.get(table)!.delete(id);
    }
    this.totals.reindexed += summary.reindexed;
    this.totals.retired += summary.retired;
    if (summary.reindexed > 0 || summary.retired > 0 || moved) this.requestSave();
    return summary;
  }

  /** Reads these notices again; indexes those that are new or whose digest changed, retires those gone. */
  private async reindex(ids: readonly number[]): Promise<CatchUpSummary> {
    const summary: CatchUpSummary = { examined: 0, reindexed: 0, retired: 0 };
    const sorted = [...ids].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i += CHANGE_BATCH) {
      const batch = sorted.slice(i, i + CHANGE_BATCH);
      const entries = await readNoticeEntries(this.db, batch);
      const existing = new Set(entries.map(({ document }) => document.id));
      const gone = batch.filter((id) => !existing.has(id) && this.index.locate(id) !== undefined);
      const builder = new PartBuilder();
      for (const entry of entries) if (this.index.digestOf(entry.document.id) !== entry.digest) builder.add(entry);
      summary.examined += entries.length;
      summary.reindexed += builder.size;
      summary.retired += gone.length;
      if (builder.size > 0) this.step({ type: 'add', part: partMessage(builder.finish(this.nextSeq++)), retired: gone });
      else if (gone.length > 0) this.step({ type: 'retire', ids: gone });
      await yieldToEvents();
    }
    return summary;
  }

  /** Compares every notice id with the index's: deleted ones are retired, missing ones indexed. */
  private async reconcile(): Promise<CatchUpSummary> {
    const ids = await allNoticeIds(this.db);
    const known = this.index.liveIds();
    const gone = missingFrom(known, ids);
    if (gone.length > 0) this.step({ type: 'retire', ids: gone });
    const summary = await this.reindex(missingFrom(ids, known));
    summary.retired += gone.length;
    this.mustReconcile = false;
    return summary;
  }

  /** Runs one merge if one is due; the index keeps changing meanwhile. */
  async mergeWhenDue(): Promise<MergeSummary | undefined> {
    if (this.merging) return undefined;
    const chosen = chooseMerge(this.index.parts, this.index.liveNotices);
    if (!chosen) return undefined;
    this.merging = true;
    try {
      const started = performance.now();
      const merged = await mergeParts(this.nextSeq++, chosen, yieldToEvents);
      this.step({ type: 'replace', replaced: chosen.map(({ part }) => part.seq), part: partMessage(merged) });
      const summary = { parts: chosen.length, notices: merged.documents, milliseconds: Math.round(performance.now() - started) };
      this.merges.push(summary);
      if (this.merges.length > 100) this.merges.shift();
      this.requestSave();
      return summary;
    } finally {
      this.merging = false;
    }
  }

  status(): IndexerStatus {
    return {
      liveNotices: this.index.liveNotices,
      partBytes: this.index.parts.reduce((sum, { part }) => sum + part.buffer.byteLength, 0),
      parts: this.index.parts.map(({ part, liveCount }) => ({ seq: part.seq, documents: part.documents, live: liveCount })),
      ...this.totals,
      merges: [...this.merges],
      merging: this.merging,
      saving: this.saveLoop !== undefined,
      saveFailing: this.saveFailing,
    };
  }

  /** Resolves once everything asked so far is saved (or at once without a store). */
  async saved(): Promise<void> {
    while (this.saveLoop) await this.saveLoop;
  }

  private step(command: IndexCommand): void {
    this.index.apply(command);
    this.publish(command);
  }

  private requestSave(): void {
    if (!this.store) return;
    this.saveRequested = true;
    this.saveLoop ??= this.keepSaving().finally(() => (this.saveLoop = undefined));
  }

  /** Saves until nothing new is asked; a failure is logged once and retried with back-off. */
  private async keepSaving(): Promise<void> {
    let delay = SAVE_RETRY_FIRST_MS;
    while (this.saveRequested) {
      this.saveRequested = false;
      try {
        await this.saveNow();
        if (this.saveFailing) this.log(`Search: the index is saved again in ${this.store!.folder}`);
        this.saveFailing = false;
        delay = SAVE_RETRY_FIRST_MS;
      } catch (error) {
        if (!this.saveFailing) {
          this.log(
            `Search: the index could not be saved in ${this.store!.folder} (${error instanceof Error ? error.message : String(error)}); ` +
              'it still serves from memory, and saving is retried with back-off',
          );
        }
        this.saveFailing = true;
        this.saveRequested = true;
        await sleep(delay);
        delay = Math.min(delay * 2, SAVE_RETRY_LAST_MS);
      }
    }
  }

  /** The parts not yet on disk, then a manifest of the index as it is once they are. */
  private async saveNow(): Promise<void> {
    const store = this.store!;
    const claim = await store.claim();
    if (!claim.writer) {
      if (!this.otherWriter) this.log(`Search: process ${claim.pid} saves the index in ${store.folder}; this process keeps its own in memory`);
      this.otherWriter = true;
      return;
    }
    for (;;) {
      const unsaved = this.index.parts.filter(({ part }) => !this.savedParts.has(part.seq));
      if (unsaved.length === 0) break;
      for (const { part } of unsaved) {
        await store.savePart(part);
        this.savedParts.add(part.seq);
      }
    }
    const manifest: Manifest = {
      position: this.position,
      nextSeq: this.nextSeq,
      parts: this.index.parts.map((indexed) => ({
        seq: indexed.part.seq,
        file: partFileName(indexed.part.seq),
        bytes: indexed.part.buffer.byteLength,
        dead: this.index.deadIds(indexed),
      })),
    };
    await store.saveManifest(manifest);
    const held = new Set(this.index.parts.map(({ part }) => part.seq));
    for (const seq of this.savedParts) if (!held.has(seq)) this.savedParts.delete(seq);
    await store.removeUnlisted(manifest);
  }
}
