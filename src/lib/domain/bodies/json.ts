import { bodyFeedUrl, bodyUrl } from '../../ground/site/urls.ts';
import type { CertificateCounts, CertificationBody } from './repository.ts';

/** A body in the API: what it is, where its page and feed are. */
export function bodyJson(body: CertificationBody, siteUrl: string) {
  return {
    code: body.code,
    name: body.name,
    approvalNumber: body.approvalNumber,
    website: body.website,
    phone: body.phone,
    address: body.address,
    url: bodyUrl(siteUrl, body.code),
    feedUrl: bodyFeedUrl(siteUrl, body.code),
  };
}

/** One body with its schemes and its certificates counted by status today. */
export function bodyProfileJson(
  body: CertificationBody,
  schemes: { code: string; name: string }[],
  certificates: CertificateCounts,
  siteUrl: string,
) {
  return { ...bodyJson(body, siteUrl), schemes, certificates };
}
