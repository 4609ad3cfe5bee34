// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Server mode: every page reads the database at request time. The node adapter's
// standalone handler is mounted by scripts/start.ts, which owns the listening socket.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  server: { host: process.env.HOST ?? 'localhost', port: Number(process.env.PORT ?? 4321) },
  security: { checkOrigin: true },
  vite: {
    ssr: { external: ['better-sqlite3'] },
  },
});
