// @ts-check
import { defineConfig, passthroughImageService } from 'astro/config';
import node from '@astrojs/node';
import { readdirSync } from 'node:fs';
import { DEFAULT_LOCALE, LOCALES } from './src/lib/ground/language/locales.ts';

/**
 * Every page of src/pages also answers under each other language's prefix (/en/notices/3):
 * the same file, which takes its language from the address (src/lib/i18n/page.ts). The
 * prefixed routes are the unprefixed ones behind a static segment, so they keep the same
 * priorities. Endpoints (the JSON API, the feeds) and the error page are not doubled: Astro
 * renders 500 for any address, in the language it names; the catch-all page answers 404.
 */
/** @returns {import('astro').AstroIntegration} */
function pagesInEveryLanguage() {
  const pagesFolder = new URL('./src/pages/', import.meta.url);
  const pages = readdirSync(pagesFolder, { recursive: true, encoding: 'utf8' })
    .map((file) => file.replaceAll('\\', '/'))
    .filter((file) => file.endsWith('.astro') && file !== '500.astro');
  return {
    name: 'pages-in-every-language',
    hooks: {
      'astro:config:setup': ({ injectRoute }) => {
        for (const locale of LOCALES.filter((code) => code !== DEFAULT_LOCALE)) {
          for (const page of pages) {
            const route = page.replace(/\.astro$/, '').replace(/(^|\/)index$/, '');
            injectRoute({ pattern: `/${locale}${route ? `/${route}` : ''}`, entrypoint: new URL(page, pagesFolder) });
          }
        }
      },
    },
  };
}

/**
 * Astro's pipeline imports the actions module anew for every request (its getActions keeps
 * no answer), and under a module loader (tsx, scripts/start.ts) each import() is a round
 * trip to the loader's thread: a twentieth of a page's CPU. The built entry keeps the first
 * import's answer instead; a build whose entry no longer reads as expected is warned of.
 */
/** @returns {import('vite').Plugin} */
function actionsImportedOnce() {
  const IMPORTED_EACH_TIME = /actions: \(\) => import\(("[^"]+")\)/;
  return {
    name: 'actions-imported-once',
    enforce: 'post',
    transform(code, id) {
      if (!id.includes('astrojs-ssr-virtual-entry')) return null;
      if (!IMPORTED_EACH_TIME.test(code)) {
        this.warn('the server entry no longer imports actions as expected: every request imports them again');
        return null;
      }
      return { code: code.replace(IMPORTED_EACH_TIME, 'actions: ((kept) => () => (kept ??= import($1)))()'), map: null };
    },
  };
}

// Server mode: every page reads the database at request time. The node adapter's handler
// (middleware mode) is mounted by scripts/start.ts, which owns the listening socket, serves the
// built client files and hands the assembled portal to every request in locals.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  server: { host: process.env.HOST ?? 'localhost', port: Number(process.env.PORT ?? 4321) },
  // Astro's origin check compares Origin with the request's own Host, which the client writes:
  // the comment form compares it with SITE_URL instead (src/lib/web/http/same-origin.ts).
  security: { checkOrigin: false },
  // Chinese at the addresses printed in QR codes, unprefixed; English under /en/.
  i18n: { locales: [...LOCALES], defaultLocale: DEFAULT_LOCALE, routing: { prefixDefaultLocale: false } },
  integrations: [pagesInEveryLanguage()],
  // The portal processes no image: no sharp at run time.
  image: { service: passthroughImageService() },
  // Nothing uses sessions; without a driver the adapter would set up files for them.
  session: { driver: 'memory' },
  // Stylesheets as files, never inline, so the Content-Security-Policy can say style-src 'self'.
  // 'file': astro:i18n writes addresses without a trailing slash, as the portal does everywhere
  // (every page is rendered on demand, so nothing else depends on the format).
  build: { inlineStylesheets: 'never', format: 'file' },
  vite: {
    ssr: { external: ['better-sqlite3'] },
    plugins: [actionsImportedOnce()],
  },
});
