import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium, installed by .ci/run: playwright-core drives it as it is, so no test
 * tool downloads a browser of its own (which fails on machines without that network access).
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Quiet and offline: no updates, sync or background fetches that could slow or flake a run. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No browser at ${CHROMIUM_PATH}: install Debian's chromium and fonts-noto-cjk (apt-get install -y chromium fonts-noto-cjk), as .ci/run does`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Every context reads the site as a person in China would. */
export const CHINA = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

/** A phone as it opens a QR code: narrow, touch, high-density screen. */
export const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } as const;
