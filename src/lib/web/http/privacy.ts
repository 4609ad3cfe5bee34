import { pathWithoutLocale } from '../../ground/language/locales.ts';

/**
 * Answers that belong to one person: whatever answers a POST (a receipt, a form sent back
 * with what they typed), and everything under /comments, whose addresses carry a tracking
 * number, redirects included. No cache may keep them, and a receipt's address is not
 * passed on to the sites it links to.
 */
export function privacyHeaders(method: string, pathname: string): Record<string, string> {
  const underComments = /^\/comments(?:\/|$)/.test(pathWithoutLocale(pathname));
  const personal = underComments || (method !== 'GET' && method !== 'HEAD');
  if (!personal) return {};
  return { 'cache-control': 'private, no-store', ...(underComments ? { 'referrer-policy': 'no-referrer' } : {}) };
}

/** A page carrying a comment form (its one-time key) is as personal as its answer. */
export const FORM_PAGE_HEADERS = { 'cache-control': 'private, no-store' } as const;
