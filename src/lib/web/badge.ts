import { createHash } from 'node:crypto';
import { withoutXmlForbidden } from '../ground/text/xml.ts';
import { certificateUrl } from '../ground/site/urls.ts';
import { addDays, beijingDate, formatBeijingDate, startOfBeijingDay } from '../ground/time/beijing.ts';
import { STATUS_LABELS } from '../i18n/labels.ts';
import type { CertificateDetails } from '../domain/certificates/repository.ts';
import { statusOnDay, type CertificateStatus } from '../domain/certificates/status.ts';
import { surveillanceAsOf } from '../domain/certificates/surveillance.ts';

/**
 * The badge a certified company shows on its website (/certificates/{number}/badge.svg): the
 * status as of today, the scheme, and the level only inside its scheme's name (levels of
 * different schemes are not comparable). It is Chinese, like the certificate it stands for.
 */
export interface BadgeFacts {
  number: string;
  status: CertificateStatus;
  schemeName: string;
  levelName: string | null;
  surveillanceOverdue: boolean;
  /** The Beijing day the status holds for. */
  today: string;
}

export interface Badge {
  svg: string;
  width: number;
  height: number;
  /** What the image says, for alt text and the SVG's own title. */
  label: string;
  /** A strong validator of the image's bytes. */
  etag: string;
}

/** The status colours of the site (global.css), so a badge reads like the page it links to. */
const STATUS_COLOURS: Record<CertificateStatus, string> = {
  valid: '#12703a',
  suspended: '#8a5300',
  withdrawn: '#a3231b',
  expired: '#a3231b',
  cancelled: '#4d5561',
};
const WARNING = '#8a5300';
const INK = '#1d2530';
const FONT = "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif";
const PADDING = 8;

/** A badge may be kept this long: briefly, so a suspension shows within minutes. */
export const BADGE_MAX_AGE_SECONDS = 300;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xmlText(text: string): string {
  return withoutXmlForbidden(text).replace(/[&<>"']/g, (character) => XML_ESCAPES[character]!);
}

/** Roughly how wide `text` is set at `size` px: Chinese characters are square, Latin ones about 0.6 em. */
function textWidth(text: string, size: number): number {
  return Array.from(text).reduce((width, character) => width + (character.codePointAt(0)! > 0x2e7f ? size : size * 0.62), 0);
}

interface Line {
  text: string;
  size: number;
  colour: string;
  bold?: boolean;
}

const OVERDUE = '年度监督审核已逾期';
/** As wide as any date is written, so the badge keeps its size from day to day. */
const WIDEST_DATE = '2026年12月28日（北京时间）';

/**
 * The badge for these facts; `pageUrl` is the canonical certificate page it links to. Its size
 * depends on the scheme, level and number only, never on the status or the day, so the width
 * and height of a copied snippet stay right.
 */
export function certificateBadge(facts: BadgeFacts, pageUrl: string): Badge {
  const statusLabel = STATUS_LABELS[facts.status];
  const heading = (overdue: boolean) => `服务认证证书 ${statusLabel}${overdue ? ` · ${OVERDUE}` : ''}`;
  const scheme = facts.levelName ? `${facts.schemeName} · ${facts.levelName}` : facts.schemeName;
  const dated = (date: string) => `状态日期：${date}`;
  const day = `${formatBeijingDate(facts.today)}（北京时间）`;
  const lines: Line[] = [
    { text: heading(facts.surveillanceOverdue), size: 14, colour: '#ffffff', bold: true },
    { text: scheme, size: 12, colour: INK },
    { text: facts.number, size: 12, colour: INK },
    { text: dated(day), size: 11, colour: INK },
  ];
  const widest = [{ ...lines[0]!, text: heading(true) }, ...lines.slice(1, 3), { ...lines[3]!, text: dated(WIDEST_DATE) }];
  const width = Math.ceil(Math.max(180, ...widest.map((line) => textWidth(line.text, line.size))) + 2 * PADDING);
  const bar = 26;
  const lineHeight = 17;
  const height = bar + (lines.length - 1) * lineHeight + PADDING;
  const label = [`服务认证证书 ${facts.number}：${statusLabel}（${day}）`, scheme, ...(facts.surveillanceOverdue ? [OVERDUE] : [])].join('，');
  const texts = lines.map((line, index) => {
    const y = index === 0 ? 18 : bar + index * lineHeight - 3;
    return `<text x="${PADDING}" y="${y}" font-size="${line.size}" fill="${line.colour}"${line.bold ? ' font-weight="700"' : ''}>${xmlText(line.text)}</text>`;
  });
  // A valid certificate whose surveillance is overdue is valid, with a warning: its bar says both.
  const barColour = facts.status === 'valid' && facts.surveillanceOverdue ? WARNING : STATUS_COLOURS[facts.status];
  // Presentation attributes only: the site's Content-Security-Policy allows no inline style.
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlText(label)}" font-family="${FONT}">`,
    `<title>${xmlText(label)}</title>`,
    `<a href="${xmlText(pageUrl)}" target="_top">`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="5" fill="#ffffff" stroke="#d9dee5"/>`,
    `<path d="M5.5 0.5h${width - 11}a5 5 0 0 1 5 5v${bar - 5.5}h-${width - 1}v-${bar - 5.5}a5 5 0 0 1 5-5z" fill="${barColour}"/>`,
    ...texts,
    '</a>',
    '</svg>',
  ].join('');
  return { svg, width, height, label, etag: `"${createHash('sha256').update(svg).digest('base64url').slice(0, 32)}"` };
}

/** The badge of a registered certificate as of `today`, linking to its canonical page under `siteUrl`. */
export function badgeOfCertificate(record: CertificateDetails, today: string, siteUrl: string): Badge {
  return certificateBadge(
    {
      number: record.number,
      status: statusOnDay(record.status, record.expiresOn, today),
      schemeName: record.scheme.name,
      levelName: record.level?.name ?? null,
      surveillanceOverdue: surveillanceAsOf(record, today).overdue,
      today,
    },
    certificateUrl(siteUrl, record.number),
  );
}

/** The image for a number no certificate has: it says so, and echoes nothing of the address. */
export const UNKNOWN_CERTIFICATE_BADGE = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="180" height="26" viewBox="0 0 180 26" role="img" aria-label="未找到该证书" font-family="${FONT}">`,
  '<title>未找到该证书</title>',
  `<rect width="180" height="26" rx="5" fill="${STATUS_COLOURS.withdrawn}"/>`,
  `<text x="${PADDING}" y="18" font-size="14" font-weight="700" fill="#ffffff">未找到该证书</text>`,
  '</svg>',
].join('');

/**
 * How long a badge may be cached: briefly, and never past the next Beijing midnight, when a
 * certificate can expire and every badge's date changes.
 */
export function badgeMaxAgeSeconds(now: Date): number {
  const nextMidnight = startOfBeijingDay(addDays(beijingDate(now), 1)).getTime();
  return Math.max(0, Math.min(BADGE_MAX_AGE_SECONDS, Math.floor((nextMidnight - now.getTime()) / 1000)));
}

/** The HTML a company copies onto its website: the badge, linked to the certificate's canonical page. */
export function badgeSnippet(badge: Pick<Badge, 'width' | 'height'>, number: string, pageUrl: string, badgeUrl: string): string {
  // The alt text stays true whatever the day: the image says the status and its date.
  const alt = `服务认证证书 ${number} 的当前状态（点击核验）`;
  return `<a href="${xmlText(pageUrl)}" target="_blank" rel="noopener"><img src="${xmlText(badgeUrl)}" width="${badge.width}" height="${badge.height}" alt="${xmlText(alt)}"></a>`;
}
