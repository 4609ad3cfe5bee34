/**
 * The bulk files' benchmark: `npm run bench:open-data -- [DB]` writes every bulk file of the
 * SQLite database DB (default PORTAL_DB), or of PORTAL_DATABASE_URL's database, into a
 * throw-away folder, as the portal's generator thread does, and prints the CPU time (the
 * process's own accounting, so steady on a shared machine), the wall-clock time, the peak
 * resident memory and each file's records and size. The database is only read. A benchmark,
 * not a test: it prints figures and judges nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/lib/ground/config/config.ts';
import { connectDatabase, databaseName } from '../../src/lib/db/connect.ts';
import { generateOpenData } from '../../src/lib/domain/open-data/generate.ts';

const config = loadConfig(process.argv[2] ? { ...process.env, PORTAL_DB: process.argv[2] } : process.env);
const db = connectDatabase(config);
const folder = mkdtempSync(join(tmpdir(), 'open-data-bench-'));
let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100);
try {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const manifest = await generateOpenData(db, folder, () => new Date());
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`Bulk files of ${databaseName(config)}:`);
  for (const file of manifest.files)
    console.log(`  ${file.name.padEnd(30)} ${String(file.records).padStart(9)} records  ${mb(file.bytes).padStart(10)}`);
  console.log(`CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s), wall ${(wall / 1000).toFixed(1)} s`);
  console.log(`peak resident ${mb(process.resourceUsage().maxRSS * 1024)}, peak heap ${mb(peakHeap)}`);
} finally {
  clearInterval(sampler);
  await db.destroy();
  rmSync(folder, { recursive: true, force: true });
}
