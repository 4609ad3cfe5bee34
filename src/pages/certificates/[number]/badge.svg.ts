import type { APIRoute } from 'astro';
import { badgeMaxAgeSeconds, badgeOfCertificate, UNKNOWN_CERTIFICATE_BADGE } from '../../../lib/web/badge.ts';
import { findCertificateByNumber } from '../../../lib/domain/certificates/repository.ts';
import { conditionalResponse } from '../../../lib/web/http/conditional.ts';
import { certificateUrl } from '../../../lib/ground/site/urls.ts';
import { startOfBeijingDay } from '../../../lib/ground/time/beijing.ts';

const SVG = 'image/svg+xml; charset=utf-8';
// Other sites show the badge: it may be embedded anywhere, also by pages that isolate themselves.
const EMBEDDABLE = { 'cross-origin-resource-policy': 'cross-origin' };

/** The status of a certificate today, as a small image for its holder's website, linking to the certificate's page. */
export const GET: APIRoute = async ({ params, locals, request }) => {
  const { db, now, today, siteUrl } = locals;
  const record = await findCertificateByNumber(db, params.number ?? '');
  if (!record) {
    // An image, so a mistyped badge shows as such on the page that embeds it.
    return new Response(UNKNOWN_CERTIFICATE_BADGE, {
      status: 404,
      headers: { 'content-type': SVG, 'cache-control': 'public, max-age=60', ...EMBEDDABLE },
    });
  }
  const badge = badgeOfCertificate(record, today, siteUrl);
  // The image says today's date, so it is no older than today's Beijing midnight.
  const changed = [Date.parse(record.updatedAt), startOfBeijingDay(today).getTime()].reduce((a, b) => Math.max(a, b));
  return conditionalResponse(request, {
    body: badge.svg,
    contentType: SVG,
    etag: badge.etag,
    lastModified: new Date(changed),
    cacheControl: `public, max-age=${badgeMaxAgeSeconds(now)}`,
    headers: { ...EMBEDDABLE, link: `<${certificateUrl(siteUrl, record.number)}>; rel="canonical"` },
  });
};
