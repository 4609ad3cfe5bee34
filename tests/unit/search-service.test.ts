import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/lib/ground/errors.ts';
import { NoticeIndexer } from '../../src/lib/domain/search/indexer.ts';
import { searchNoticeIndex } from '../../src/lib/domain/search/notice-index.ts';
import { NoticeSearch } from '../../src/lib/domain/search/service.ts';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertSearchableNotice, SEARCH_CORPUS } from '../support/search-fixtures.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');
let test: TestDatabase;
let ground: { bodyId: number; schemeId: number };
const folders: string[] = [];
const services: NoticeSearch[] = [];

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'portal-search-cache-'));
  folders.push(folder);
  return folder;
}

function startService(cacheFolder: string, log: string[]): NoticeSearch {
  const service = new NoticeSearch({ database: test.location, cacheFolder, pollMilliseconds: 200, log: (line) => log.push(line) });
  services.push(service);
  void service.start();
  return service;
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const whenReady = (service: NoticeSearch) => until(() => (service.ready ? true : undefined));
const total = async (service: NoticeSearch, query: string) => (await service.search(query, {}, 1, NOW)).total;

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoData(test.db, { certificates: 200, notices: 300, seed: 9, now: NOW });
  const body = await test.db.selectFrom('certificationBody').select('id').orderBy('id').executeTakeFirstOrThrow();
  const scheme = await test.db.selectFrom('scheme').select('id').where('code', '=', 'after-sales').executeTakeFirstOrThrow();
  ground = { bodyId: body.id, schemeId: scheme.id };
  await insertSearchableNotice(test.db, ground, SEARCH_CORPUS[0]!);
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()));
});
afterAll(async () => {
  await test.remove();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('the notice search service', () => {
  const saved = newFolder();

  it('says it is warming up (503, Retry-After) until the first index is ready, then answers', async () => {
    const log: string[] = [];
    const service = startService(saved, log);
    // The threads have only just been started: no index can be ready yet.
    const early = service.search('西子', {}, 1, NOW);
    await expect(early).rejects.toBeInstanceOf(DomainError);
    await expect(early).rejects.toMatchObject({ kind: 'unavailable', retryAfterSeconds: 5 });
    await whenReady(service);
    expect(await total(service, '西子湖畔')).toBe(1);
    expect(log.join('\n')).toMatch(/index of 301 notices in 1 parts ready in \d+ ms \(from database\)/);
    // Saved: a manifest and the part it names.
    const files = await until(() => (existsSync(join(saved, 'manifest.json')) ? readdirSync(saved).sort() : undefined));
    expect(files).toEqual(['manifest.json', 'part-00000001.bin', 'writer.lock']);
  });

  it('loads the saved index on a restart instead of building it', async () => {
    const log: string[] = [];
    const service = startService(saved, log);
    await whenReady(service);
    expect(log.join('\n')).toContain('(from disk)');
    expect(await total(service, '西子湖畔')).toBe(1);
  });

  it('finds a notice another connection writes within 5 seconds, answering every query meanwhile', async () => {
    const service = startService(saved, []);
    await whenReady(service);
    const writer = test.connect();
    await insertSearchableNotice(writer, ground, SEARCH_CORPUS[1]!);
    await writer.destroy();
    const written = Date.now();
    const answered: number[] = [];
    await until(async () => {
      const found = await total(service, '甬江');
      answered.push(found);
      return found === 1 ? found : undefined;
    }, 5000);
    expect(Date.now() - written).toBeLessThan(5000);
    expect(answered.every((found) => found === 0 || found === 1)).toBe(true);
  });

  it('indexes again from the database the notices of a saved part that cannot be read, then answers', async () => {
    const part = readdirSync(saved).find((file) => file.startsWith('part-'))!;
    truncateSync(join(saved, part), Math.floor(statSync(join(saved, part)).size / 2));
    // What an index built afresh from the database finds.
    const fresh = new NoticeIndexer({ db: test.db });
    await fresh.open();
    const expected = searchNoticeIndex(fresh.index, '服务', {}, 1, NOW);

    const log: string[] = [];
    const service = startService(saved, log);
    await whenReady(service);
    expect(log.join('\n')).toContain(`saved part ${part} cannot be read`);
    expect(await service.search('服务', {}, 1, NOW)).toEqual(expected);
    expect(await total(service, '西子湖畔')).toBe(1);
  });

  it('keeps serving when the index cannot be saved, says so once, and saves again once it can', async () => {
    const blocked = join(newFolder(), 'search-index');
    // A file where the folder should be: every save fails.
    writeFileSync(blocked, 'not a folder');
    const log: string[] = [];
    const service = startService(blocked, log);
    await whenReady(service);
    expect(await total(service, '西子湖畔')).toBe(1);
    // Retried after 1 s and 2 s more: still one line, and no second build.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(log.filter((line) => line.includes('could not be saved'))).toHaveLength(1);
    expect(log.filter((line) => line.includes('ready in'))).toHaveLength(1);
    expect(await total(service, '西子湖畔')).toBe(1);

    rmSync(blocked);
    await until(() => (log.some((line) => line.includes('saved again')) ? true : undefined), 15_000);
    expect(readdirSync(blocked)).toContain('manifest.json');
  });
});
