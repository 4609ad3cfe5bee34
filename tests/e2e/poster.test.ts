import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser.ts';
import { useE2ePortal } from '../support/e2e-portal.ts';

const browser = useBrowser();
/** A notice whose texts run to several paragraphs, as some bodies write them. */
let wordyNotice: number;
let wordiestNotice: number;

const portal = useE2ePortal();
beforeAll(async () => {
  const copy = async (reference: string, repeat: number) => {
    const source = await portal.db.selectFrom('notice').selectAll().where('id', '=', portal.openNotice).executeTakeFirstOrThrow();
    const { id: _id, ...fields } = source;
    const paragraph =
      '评价组现场核查了服务网点、服务人员资质、投诉处理记录和回访记录，抽查服务工单一百二十份，顾客满意度调查有效样本二百一十七份，满意率百分之九十六点五。';
    const row = await portal.db
      .insertInto('notice')
      .values({
        ...fields,
        reference,
        scope: `${'家用电器（空调、冰箱、洗衣机、热水器、厨房电器）的安装调试、维修、配送、退换货和投诉处理服务；'.repeat(repeat)}`,
        evaluationSummary: Array.from({ length: repeat * 2 }, () => paragraph).join('\n'),
        objectionContact: `${fields.objectionContact}${'地址：北京市朝阳区东三环中路39号华信大厦12层（邮编100022）；电子邮箱：gongshi@example.cn；电话：010-65871234。'.repeat(repeat)}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  wordyNotice = await copy('GS-QA-WORDY', 3);
  wordiestNotice = await copy('GS-QA-WORDIEST', 5);
});

const posterOf = (noticeId: number) => `${portal.baseUrl}/notices/${noticeId}/poster`;

/** The pages of a PDF as Chromium writes it: one /Type /Page object each (their parent is /Type /Pages). */
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;

async function printed(page: Page, noticeId: number): Promise<Buffer> {
  expect((await page.goto(posterOf(noticeId)))?.status()).toBe(200);
  return page.pdf({ preferCSSPageSize: true, printBackground: true });
}

const jsQrSource = readFileSync(createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js'), 'utf8');

/**
 * The text of the QR code in a PNG, read in a blank page of the browser by jsQR (evaluated
 * through the DevTools protocol, like axe): the image is drawn on a canvas and its pixels
 * handed to the decoder, as a phone's camera would see the sheet.
 */
async function decodeQr(page: Page, png: Buffer): Promise<string | null> {
  await page.goto('about:blank');
  await page.evaluate(jsQrSource.replace('module.exports = factory();', 'window.jsQR = factory();'));
  return page.evaluate(
    async (dataUrl) => {
      const image = new Image();
      image.src = dataUrl;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, image.width, image.height);
      const decode = (window as unknown as { jsQR: (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null }).jsQR;
      return decode(pixels.data, pixels.width, pixels.height)?.data ?? null;
    },
    `data:image/png;base64,${png.toString('base64')}`,
  );
}

describe('the notice-board poster printed', () => {
  it('is exactly one A4 page', async () => {
    const page = await browser.newPage();
    const pdf = await printed(page, portal.openNotice);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(1);
    // A4 is 595 × 842 points.
    const [width, height] = (/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1')) ?? []).slice(1).map(Number);
    expect([Math.round(width!), Math.round(height!)]).toEqual([595, 842]);
  });

  it.each([
    ['texts of several paragraphs', () => wordyNotice],
    ['the longest texts', () => wordiestNotice],
  ])('stays one page with %s, set smaller', async (_, noticeId) => {
    const page = await browser.newPage();
    expect(pageCount(await printed(page, noticeId()))).toBe(1);
  });

  it('carries a QR code a phone reads as the notice’s comment form, deadline in large type', async () => {
    // A4 at 96 pixels per inch, as printed: the sheet's own print styles apply.
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 }, deviceScaleFactor: 1 });
    expect((await page.goto(posterOf(portal.openNotice)))?.status()).toBe(200);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.screen-help').isVisible()).toBe(false);
    const deadline = page.locator('.deadline-time');
    expect(await deadline.textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日(\d{1,2}时(\d{1,2}分)?|24时)$/);
    expect(parseFloat(await deadline.evaluate((element) => getComputedStyle(element).fontSize))).toBeGreaterThanOrEqual(28);
    const qrWidth = await page.locator('.qr svg').evaluate((element) => element.getBoundingClientRect().width);
    // At least 4 cm across: readable from a step away.
    expect(qrWidth).toBeGreaterThanOrEqual((40 / 25.4) * 96);
    const png = await page.screenshot({ fullPage: true });
    expect(await decodeQr(page, png)).toBe(`${portal.baseUrl}/notices/${portal.openNotice}#comment-form`);
  });
});
