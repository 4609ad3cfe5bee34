import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/lib/errors.ts';
import { openDatabase } from '../../src/lib/db/sqlite.ts';
import { NoticeSearch } from '../../src/lib/search/service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertSearchableNotice, SEARCH_CORPUS } from '../support/search-fixtures.ts';
import { insertBodyAndScheme } from '../support/registry-fixtures.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');
let test: TestDatabase;
let ground: { bodyId: number; schemeId: number };
const cacheFolder = mkdtempSync(join(tmpdir(), 'portal-search-cache-'));
const services: NoticeSearch[] = [];

function startService(log: string[]): NoticeSearch {
  const service = new NoticeSearch({ db: test.db, databasePath: test.path, cacheFolder, pollMilliseconds: 200, log: (line) => log.push(line) });
  services.push(service);
  return service;
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  test = await createTestDatabase();
  ground = await insertBodyAndScheme(test.db);
  await insertSearchableNotice(test.db, ground, SEARCH_CORPUS[0]!);
});
afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()));
  await test.remove();
});

describe('the notice search service', () => {
  it('says it is warming up (503, Retry-After) until the first index is ready, then answers', async () => {
    const log: string[] = [];
    const service = startService(log);
    await service.start();
    // The worker has only just been started: no index can be ready yet.
    const early = service.search('西子', {}, 1, NOW);
    await expect(early).rejects.toBeInstanceOf(DomainError);
    await expect(early).rejects.toMatchObject({ kind: 'unavailable', retryAfterSeconds: 5 });
    await until(() => service.readyVersion);
    expect((await service.search('西子湖畔', {}, 1, NOW)).total).toBe(1);
    expect(log.join('\n')).toContain('from database');
  });

  it('saves the index keyed by its content version, and loads it instead of rebuilding when nothing changed', async () => {
    const log: string[] = [];
    const service = startService(log);
    await service.start();
    await until(() => service.readyVersion);
    expect(log.join('\n')).toContain('from disk');
    expect(readdirSync(cacheFolder).filter((file) => file.endsWith('.json'))).toEqual([`notices-${service.readyVersion}.json`]);
  });

  it('picks up a notice another connection writes, rebuilding in the background while the old index answers', async () => {
    const service = startService([]);
    await service.start();
    const before = await until(() => service.readyVersion);

    const writer = openDatabase(test.path);
    await insertSearchableNotice(writer, ground, SEARCH_CORPUS[1]!);
    await writer.destroy();

    // Every query during the rebuild is answered, by one index or the other.
    const answered: number[] = [];
    const after = await until(async () => {
      answered.push((await service.search('甬江', {}, 1, NOW)).total);
      return service.readyVersion !== before ? service.readyVersion : undefined;
    }, 5000);
    expect(after).not.toBe(before);
    expect(answered.every((total) => total === 0 || total === 1)).toBe(true);
    expect((await service.search('甬江', {}, 1, NOW)).total).toBe(1);
  });
});
