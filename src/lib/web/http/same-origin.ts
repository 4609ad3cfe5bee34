import { DomainError } from '../../ground/errors.ts';

/**
 * A form may be posted only from the portal's own pages: browsers name the page's origin in
 * every POST, and it must be SITE_URL's. The Host header proves nothing (the client writes
 * it), so the request's own address is never what the Origin is compared with.
 */
export function requireSameOrigin(request: Request, siteUrl: string): void {
  if (request.headers.get('origin') === new URL(siteUrl).origin) return;
  throw new DomainError('forbidden', 'cross_site_form', { origin: new URL(siteUrl).origin });
}
