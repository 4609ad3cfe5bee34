import { officialBeijingTime } from '../../ground/time/beijing.ts';
import type { NoticeDetails } from './repository.ts';

/**
 * The notice as posted on the applicant's notice board (信息公布栏): one A4 page, in Chinese
 * whatever the reader's language (like the feeds), since it is the official notice itself.
 * Its words are here rather than in the dictionaries, which hold every page in two languages.
 */
export const POSTER_WORDS = {
  heading: '服务认证公示',
  reference: '公示编号',
  window: '公示期',
  to: '至',
  deadline: '意见和异议受理截止时间（北京时间）',
  howToObject: '如何提出意见或异议',
  online: '在线提交：扫描右侧二维码，或在浏览器中打开以下网址，实名填写并提交；提交后可凭查询编号查看处理进度和答复。',
  inWriting: '书面提交：',
  onlyInWindow: '意见和异议只在公示期内受理，须实名并留下联系方式；提交人的姓名和联系方式只用于处理意见，不会公开。',
  qrCaption: '扫码提交意见',
  issuedBy: (body: string, approvalNumber: string) => `发布：${body}（批准号 ${approvalNumber}）`,
  publishedAt: (dateTime: string) => `发布时间：${dateTime}`,
  postedOn: '本公示张贴于申请方信息公布栏，网上原文：',
} as const;

/** The window as officials write it: 2026年12月2日9时 至 2026年12月9日17时; an end at midnight is that day's 24时. */
export function posterWindow(notice: Pick<NoticeDetails, 'windowStart' | 'windowEnd'>): { start: string; end: string } {
  return { start: officialBeijingTime(notice.windowStart, 'start'), end: officialBeijingTime(notice.windowEnd, 'end') };
}

/** The scales the sheet can be set at, largest first (classes of the poster's stylesheet). */
export const POSTER_SCALES = [100, 92, 85, 78, 72, 66, 60] as const;
export type PosterScale = (typeof POSTER_SCALES)[number];

/*
 * The sheet's layout in CSS pixels at its full scale, measured in Chromium on A4 with 12 mm
 * margins: what is left for the page (273 mm), the height of everything but the notice's own
 * texts, a line of 11 pt text, and how many Chinese characters a line holds in the facts
 * column and beside the QR code.
 */
const PRINTABLE_HEIGHT = 1032;
const FIXED_HEIGHT = 645;
const LINE_HEIGHT = 21.3;
const FACTS_LINE_CHARACTERS = 38;
const CHANNELS_LINE_CHARACTERS = 32;

/** Lines `text` takes where a line holds `perLine` Chinese characters (Latin ones are about half as wide). */
function lines(text: string, perLine: number): number {
  return text.split('\n').reduce((sum, paragraph) => {
    const width = Array.from(paragraph).reduce((total, character) => total + (character.codePointAt(0)! > 0x2e7f ? 1 : 0.55), 0);
    return sum + Math.max(1, Math.ceil(width / perLine));
  }, 0);
}

/**
 * The largest scale at which the whole notice fits one A4 sheet: its texts run from a line to
 * several paragraphs. Scaled down, lines also get longer, so the height falls faster than the scale.
 */
export function posterScale(notice: Pick<NoticeDetails, 'scope' | 'evaluationSummary' | 'objectionContact' | 'applicant'>): PosterScale {
  const heightAt = (scale: number) => {
    const zoom = scale / 100;
    const facts = [notice.applicant.name, notice.applicant.address, notice.scope, notice.evaluationSummary];
    const textLines =
      facts.reduce((sum, text) => sum + lines(text, FACTS_LINE_CHARACTERS / zoom), 0) +
      lines(notice.objectionContact, CHANNELS_LINE_CHARACTERS / zoom);
    return zoom * (FIXED_HEIGHT + LINE_HEIGHT * textLines);
  };
  // A little room to spare: the estimate counts characters, the browser sets glyphs.
  return POSTER_SCALES.find((scale) => heightAt(scale) <= PRINTABLE_HEIGHT * 0.95) ?? POSTER_SCALES.at(-1)!;
}
