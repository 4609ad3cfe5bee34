/**
 * `npm start`: builds if needed, migrates, fills an empty database with the demo data set,
 * then serves the built portal on HOST:PORT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../src/lib/config/config.ts';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { openDatabase } from '../src/lib/db/sqlite.ts';
import { SECURITY_HEADERS } from '../src/lib/http/security-headers.ts';
import { provideNoticeSearch } from '../src/lib/runtime/portal.ts';
import { NoticeSearch } from '../src/lib/search/service.ts';
import { ensureFreshBuild, serverEntry } from './build.ts';

const DEMO_SIZE = { certificates: 2000, notices: 300, seed: 20261126 };

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

async function prepareDatabase(databasePath: string): Promise<void> {
  const db = openDatabase(databasePath);
  try {
    await migrateToLatest(db);
    // Empty means the back office never wrote anything: not a body, not a scheme.
    const anyBody = await db.selectFrom('certificationBody').select('id').limit(1).executeTakeFirst();
    const anyScheme = await db.selectFrom('scheme').select('id').limit(1).executeTakeFirst();
    if (!anyBody && !anyScheme) {
      // Loaded only for an empty database: a filled one starts without the generator.
      const { seedDemoData } = await import('./demo/generate.ts');
      const counts = await seedDemoData(db, { ...DEMO_SIZE, now: new Date() });
      console.log(`Empty database: filled it with the demo data set (${counts.certificates} certificates, ${counts.notices} notices).`);
    }
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  ensureFreshBuild();
  await prepareDatabase(config.databasePath);

  // Built in worker threads from the database, or loaded from disk and caught up.
  const noticeSearch = new NoticeSearch({
    databasePath: config.databasePath,
    cacheFolder: join(dirname(config.databasePath), 'search-index'),
    log: (line) => console.log(line),
  });
  await noticeSearch.start();
  provideNoticeSearch(noticeSearch);

  // The adapter's standalone handler serves static assets and pages; this script owns the socket.
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const { handler } = (await import(pathToFileURL(serverEntry).href)) as { handler: RequestHandler };
  const server = createServer((request, response) => {
    // Set here, before the adapter, so that static files and errors carry them too.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    handler(request, response);
  });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    console.log(`Portal listening on http://${config.host}:${port} (database ${config.databasePath})`);
  });
  const stop = () => {
    server.close(() => void noticeSearch.stop().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `The portal could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
