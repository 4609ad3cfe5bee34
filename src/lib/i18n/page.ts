import { getRelativeLocaleUrl } from 'astro:i18n';
import type { DomainError } from '../ground/errors.ts';
import { LOCALES, localeOfPath, pathWithoutLocale, type Locale } from '../ground/language/locales.ts';
import { errorMessageFor, MESSAGES } from './messages.ts';

/** A portal address as the Chinese site writes it (query and fragment kept), in `locale`: /notices?state=open → /en/notices?state=open. */
function localePath(locale: Locale, path: string): string {
  const queryStart = path.search(/[?#]/);
  const [pathname, suffix] = queryStart < 0 ? [path, ''] : [path.slice(0, queryStart), path.slice(queryStart)];
  // Without a path the helper writes a locale's root as "/" and "/en", with no trailing slash like every other address.
  return getRelativeLocaleUrl(locale, pathname === '/' ? undefined : pathname) + suffix;
}

/**
 * What a page or component needs to speak the language of the address it answers: the
 * locale, its words, its addresses and its error messages.
 */
export function pageLanguage(url: URL) {
  const locale = localeOfPath(url.pathname);
  return {
    locale,
    t: MESSAGES[locale],
    path: (path: string) => localePath(locale, path),
    errorMessage: (error: DomainError) => errorMessageFor(error, locale),
  };
}

/** This page (query kept) in every language, with the language's name in itself: for the language switch and the hreflang alternates. */
export function pageInEveryLanguage(url: URL): { locale: Locale; path: string; name: string }[] {
  const path = pathWithoutLocale(url.pathname) + url.search;
  return LOCALES.map((locale) => ({ locale, path: localePath(locale, path), name: MESSAGES[locale].site.languageName }));
}
