import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { DEFAULT_PAGE_SIZE } from '../../src/lib/domain/open-data/datasets.ts';
import { MANIFEST_NAME, readManifest, type OpenDataManifest } from '../../src/lib/domain/open-data/files.ts';
import { generateOpenData } from '../../src/lib/domain/open-data/generate.ts';
import { openDataFileServer } from '../../src/lib/domain/open-data/serve.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { observedDatabase, type ObservedDatabase } from '../support/query-plans.ts';

/** Writing the bulk files: page by page by key, nothing lost or repeated at a page's edge, every read served by an index. */
let test: TestDatabase;
let observed: ObservedDatabase;
const folders: string[] = [];
const newFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), 'open-data-test-'));
  folders.push(folder);
  return folder;
};
const clock = () => new Date();
const SMALL_PAGE = 7;

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoData(test.db, { certificates: 60, notices: 25, seed: 7, now: new Date() });
  observed = observedDatabase(test);
});
afterAll(async () => {
  await observed?.close();
  await test?.remove();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const count = async (table: 'certificate' | 'certificateEvent' | 'notice') =>
  Number(
    (
      await test.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  );
const fileOf = (manifest: OpenDataManifest, name: string) => manifest.files.find((file) => file.name === name)!;
const readBack = (folder: string, manifest: OpenDataManifest, name: string) =>
  gunzipSync(readFileSync(join(folder, fileOf(manifest, name).stored))).toString('utf8');

describe('generateOpenData', () => {
  it('writes each record once whatever the page size, reading every table by an index', async () => {
    const paged = newFolder();
    const manifest = await generateOpenData(observed.db, paged, clock, SMALL_PAGE);
    expect((await observed.scansSinceLastLook()).filter((query) => query.scans.length > 0)).toEqual([]);
    const certificates = await count('certificate');
    expect(certificates).toBeGreaterThan(4 * SMALL_PAGE);
    expect(fileOf(manifest, 'certificates.csv.gz').records).toBe(certificates);
    expect(fileOf(manifest, 'certificates.ndjson.gz').records).toBe(certificates);
    expect(fileOf(manifest, 'certificate-events.csv.gz').records).toBe(await count('certificateEvent'));
    expect(fileOf(manifest, 'notices.ndjson.gz').records).toBe(await count('notice'));
    const numbers = (parse(readBack(paged, manifest, 'certificates.csv.gz'), { bom: true, columns: true }) as { number: string }[]).map(
      (row) => row.number,
    );
    expect(new Set(numbers).size).toBe(certificates);

    // One page or many, the same bytes.
    const whole = await generateOpenData(test.db, newFolder(), clock, DEFAULT_PAGE_SIZE);
    expect(whole.files.map((file) => file.sha256)).toEqual(manifest.files.map((file) => file.sha256));
    expect(await readManifest(paged)).toEqual(manifest);
  });

  it('keeps the files of the generation before (a download may be reading them) and removes older ones', async () => {
    const folder = newFolder();
    const first = await generateOpenData(test.db, folder, clock);
    await test.db.updateTable('certificate').set({ scope: '第二次生成前改写的范围' }).where('id', '=', 1).execute();
    const second = await generateOpenData(test.db, folder, clock);
    await test.db.updateTable('certificate').set({ scope: '第三次生成前改写的范围' }).where('id', '=', 1).execute();
    const third = await generateOpenData(test.db, folder, clock);
    const stored = (manifest: OpenDataManifest, name: string) => fileOf(manifest, name).stored;
    expect(stored(second, 'certificates.csv.gz')).not.toBe(stored(first, 'certificates.csv.gz'));
    const present = readdirSync(folder);
    expect(present).toContain(stored(third, 'certificates.csv.gz'));
    expect(present).toContain(stored(second, 'certificates.csv.gz'));
    expect(present).not.toContain(stored(first, 'certificates.csv.gz'));
    // Unchanged data sets keep their stored name: the same bytes.
    expect(stored(third, 'notices.csv.gz')).toBe(stored(first, 'notices.csv.gz'));
    expect(present.filter((entry) => entry.endsWith('.partial'))).toEqual([]);
    expect(present).toContain(MANIFEST_NAME);
  });
});

describe('openDataFileServer', () => {
  it('says 503 with Retry-After before the first files, then serves the listed bytes; other addresses are left to the portal', async () => {
    const folder = newFolder();
    const serve = openDataFileServer(folder, '数据文件正在生成 / being written');
    const server: Server = createServer((request, response) => {
      if (!serve(request, response)) response.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const early = await fetch(`${base}/data/notices.csv.gz`);
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('60');
      expect(await early.text()).toContain('being written');
      expect((await fetch(`${base}/data/other.csv.gz`)).status).toBe(418);
      expect((await fetch(`${base}/data/notices.csv.gz`, { method: 'POST' })).status).toBe(418);

      const manifest = await generateOpenData(test.db, folder, clock);
      const listed = fileOf(manifest, 'notices.csv.gz');
      const served = await fetch(`${base}/data/notices.csv.gz?any=query`);
      expect(served.status).toBe(200);
      const bytes = Buffer.from(await served.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(listed.sha256);
      expect(served.headers.get('content-disposition')).toBe('attachment; filename="notices.csv.gz"');
      expect((await fetch(`${base}/data/notices.csv.gz`, { headers: { 'if-none-match': `W/"${listed.sha256}"` } })).status).toBe(304);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
