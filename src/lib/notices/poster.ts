import { officialBeijingTime } from '../time/beijing.ts';
import type { NoticeRecord } from './repository.ts';

/**
 * The notice as posted on the applicant's notice board (信息公布栏): one A4 page, in Chinese
 * whatever the reader's language (like the feeds), since it is the official notice itself.
 * Its words are here rather than in the dictionaries, which hold every page in two languages.
 */
export const POSTER_WORDS = {
  heading: '服务认证公示',
  reference: '公示编号',
  facts: '公示内容',
  summary: '评价结论摘要',
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
export function posterWindow(notice: Pick<NoticeRecord, 'windowStart' | 'windowEnd'>): { start: string; end: string } {
  return { start: officialBeijingTime(notice.windowStart, 'start'), end: officialBeijingTime(notice.windowEnd, 'end') };
}

/**
 * How tightly the page is set so that the whole notice fits one A4 sheet: the body's texts
 * (scope, summary, address, how to object) vary from a line to several paragraphs.
 */
export function posterDensity(notice: Pick<NoticeRecord, 'scope' | 'evaluationSummary' | 'objectionContact' | 'applicant'>): 'roomy' | 'dense' | 'densest' {
  const characters = [notice.scope, notice.evaluationSummary, notice.objectionContact, notice.applicant.address].reduce(
    (sum, text) => sum + Array.from(text).length,
    0,
  );
  return characters <= 700 ? 'roomy' : characters <= 1200 ? 'dense' : 'densest';
}
