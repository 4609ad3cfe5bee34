/** Absolute addresses on the portal's public site (SITE_URL), used in QR codes, APIs and feeds. */
export function certificateUrl(siteUrl: string, number: string): string {
  return `${siteUrl}/certificates/${encodeURIComponent(number)}`;
}

export function noticeUrl(siteUrl: string, noticeId: number): string {
  return `${siteUrl}/notices/${noticeId}`;
}
