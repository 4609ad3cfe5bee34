/**
 * The yardstick of `npm run bench`: bare node:http sending fixed bytes (a page and its
 * headers, from the JSON file named on the command line), to compare the portal's cached
 * answers with. Prints the port it listens on.
 */
import { readFileSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders } from 'node:http';

const { headers, body } = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { headers: OutgoingHttpHeaders; body: string };
const bytes = Buffer.from(body, 'base64');
const server = createServer((_request, response) => {
  response.writeHead(200, { ...headers, 'content-length': bytes.length });
  response.end(bytes);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.once('SIGTERM', () => process.exit(0));
