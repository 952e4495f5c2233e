import { onPath } from './tools.js';

/** Debian's Chromium (package `chromium`), driven by playwright-core: no browser download. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = onPath('chromium');

/** Chromium headless on this closed network: no background connections, no sandbox as root, a fresh profile. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
