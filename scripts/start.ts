/**
 * `npm start`: builds if needed, migrates, fills an empty database with the demo data set,
 * then serves the built portal on HOST:PORT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { clientSaltPath, readClientSalt } from '../src/lib/comments/client.ts';
import { forgetOldSubmissions } from '../src/lib/comments/submit.ts';
import { ConfigError, loadConfig, type PortalConfig } from '../src/lib/config/config.ts';
import { migrateToLatest } from '../src/lib/db/migrate.ts';
import { connectDatabase, databaseName } from '../src/lib/db/connect.ts';
import { postgresProblems } from '../src/lib/db/postgres.ts';
import { clientAddressOf } from '../src/lib/http/client-address.ts';
import { isMalformedAddress, malformedAddressRoute, unparsableRequestAnswer, withPlainPath } from '../src/lib/http/malformed-request.ts';
import { SECURITY_HEADERS } from '../src/lib/http/security-headers.ts';
import { MESSAGES } from '../src/lib/i18n/messages.ts';
import { LOCALES } from '../src/lib/language/locales.ts';
import { loadStaticFiles } from '../src/lib/http/static-files.ts';
import type { Portal } from '../src/lib/runtime/portal.ts';
import { NoticeSearch, searchIndexFolder } from '../src/lib/search/service.ts';
import { systemClock } from '../src/lib/time/clock.ts';
import { clientFolder, ensureFreshBuild, serverEntry } from './build.ts';

const DEMO_SIZE = { certificates: 2000, notices: 300, seed: 20261126 };

/** The adapter's handler in middleware mode: what it renders gets `locals` as Astro.locals. */
type AstroHandler = (request: IncomingMessage, response: ServerResponse, next: undefined, locals: Partial<App.Locals>) => Promise<void>;

async function prepareDatabase(config: PortalConfig): Promise<void> {
  const db = connectDatabase(config);
  try {
    if (config.databaseUrl) await refuseUnfitPostgres(db, 'before migrating');
    await migrateToLatest(db);
    if (config.databaseUrl) await refuseUnfitPostgres(db, 'after migrating');
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

/** A PostgreSQL database the portal cannot serve correctly stops the start, saying what is wrong and what to do. */
async function refuseUnfitPostgres(db: ReturnType<typeof connectDatabase>, stage: Parameters<typeof postgresProblems>[1]): Promise<void> {
  const problems = await postgresProblems(db, stage);
  if (problems.length > 0) throw new ConfigError(`PORTAL_DATABASE_URL: ${problems.join('; ')}`);
}

/** The address the portal answers at when SITE_URL does not say: the one it listens on. */
function listeningUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  ensureFreshBuild();
  await prepareDatabase(config);

  const db = connectDatabase(config);
  // Built in worker threads from the database, or loaded from disk and caught up.
  const noticeSearch = new NoticeSearch({
    database: config,
    cacheFolder: searchIndexFolder(config.databasePath),
    log: (line) => console.log(line),
  });
  await noticeSearch.start();
  const portal: Portal = {
    config,
    siteUrl: config.siteUrl ?? '',
    db,
    clock: systemClock,
    noticeSearch,
    clientSalt: readClientSalt(clientSaltPath(config.databasePath)),
  };

  // Address hashes are kept a day at most, also when no one comments for a while.
  const forget = () => void forgetOldSubmissions(db, portal.clock()).catch((error: unknown) => console.error(`Could not delete old address hashes: ${String(error)}`));
  forget();
  setInterval(forget, 60 * 60_000).unref();

  const { handler } = (await import(pathToFileURL(serverEntry).href)) as { handler: AstroHandler };
  const serveStatic = loadStaticFiles(clientFolder);
  const server = createServer((request, response) => {
    // Set here, before the adapter, so that static files and errors carry them too.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    request.url = withPlainPath(request.url ?? '/');
    // Answered by the page (or API answer) that says so: no route can match what cannot be decoded.
    if (isMalformedAddress(request.url)) request.url = malformedAddressRoute(request.url);
    else if (serveStatic(request, response)) return;
    // Read now, while the socket is surely there; whoever reads it later may find the client gone.
    const clientAddress = clientAddressOf(request.socket.remoteAddress, request.headers['x-forwarded-for'], config.trustedProxies);
    void handler(request, response, undefined, { portal, clientAddress });
  });
  // A request the HTTP parser cannot read (raw non-ASCII in the address, a broken header) still gets a page that says so.
  const unparsableWords = LOCALES.map((locale) => ({ locale, ...MESSAGES[locale].badRequest }));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => unparsableRequestAnswer(error, socket, unparsableWords));
  // A client that trickles its request in is cut off (the comment form also bounds its body, and says so).
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  // Longer than any client's or proxy's idle keep-alive (nginx: 60 s), so the server never closes a connection
  // at the moment a client reuses it (Node's 5 s default races fetch and proxies into "other side closed").
  server.keepAliveTimeout = 65_000;

  server.once('error', (error: NodeJS.ErrnoException) => {
    const where = `${config.host}:${config.port}`;
    const reason =
      error.code === 'EADDRINUSE'
        ? `${where} is already in use: stop the program that listens there, or choose another port with PORT=…`
        : error.code === 'EACCES'
          ? `${where} needs privileges this user does not have: choose a port above 1023 with PORT=…`
          : error.message;
    console.error(`The portal could not start: ${reason}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    // Before any request is read: links and QR codes then name the port really listened on.
    portal.siteUrl = config.siteUrl ?? listeningUrl(config.host, port);
    console.log(`Portal listening on ${listeningUrl(config.host, port)} (database ${databaseName(config)}, site ${portal.siteUrl})`);
  });
  const stop = () => {
    server.close(() => void Promise.all([noticeSearch.stop(), db.destroy()]).then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `The portal could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
