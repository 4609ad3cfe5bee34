// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Server mode: every page reads the database at request time. The node adapter's
// standalone handler is mounted by scripts/start.ts, which owns the listening socket.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  server: { host: process.env.HOST ?? 'localhost', port: Number(process.env.PORT ?? 4321) },
  // Cross-site form posts are refused with 403 before any page code runs. The origin check
  // compares Origin with the request's own address, which Astro takes from the Host header
  // only for allowed domains: any is allowed, since links and QR codes use SITE_URL, never Host.
  security: { checkOrigin: true, allowedDomains: [{}] },
  // Stylesheets as files, never inline, so the Content-Security-Policy can say style-src 'self'.
  build: { inlineStylesheets: 'never' },
  vite: {
    ssr: { external: ['better-sqlite3'] },
  },
});
