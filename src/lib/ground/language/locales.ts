/**
 * The portal's languages. Chinese is the default and has no prefix, so the addresses printed
 * as QR codes never change; every other language lives under its code (/en/…).
 * astro.config.mjs configures Astro's i18n routing and the prefixed routes from these.
 */
export const DEFAULT_LOCALE = 'zh-CN';
export const LOCALES = [DEFAULT_LOCALE, 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The prefixed language an address starts with, if any. */
function prefixOf(pathname: string): Locale | undefined {
  return LOCALES.find((locale) => locale !== DEFAULT_LOCALE && (pathname === `/${locale}` || pathname.startsWith(`/${locale}/`)));
}

/**
 * The language of an address, from its first segment only, as the routes decide it:
 * /en/certificates/X is English, /certificates/en is Chinese. (Astro.currentLocale looks for
 * a locale in any segment, so it would call the latter English.)
 */
export function localeOfPath(pathname: string): Locale {
  return prefixOf(pathname) ?? DEFAULT_LOCALE;
}

/** The address without its language prefix: /en/notices/3 → /notices/3, /en → /. */
export function pathWithoutLocale(pathname: string): string {
  const prefix = prefixOf(pathname);
  return prefix ? pathname.slice(prefix.length + 1) || '/' : pathname;
}
