// Drives the browser demo page (ts/demo/page.ts) in headless Chromium: shared by the
// demo page test (its own in-memory server) and the `vidwasm serve` test (the real command).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium as launchContext, requireChromium } from './chromium.js';


/** What the page exposes as globalThis.vidwasmDemo. */
interface DemoGlobal {
  status: string;
  losses: number[];
  accuracy: [number, number][];
  confusion: number[][] | null;
  prediction: { label: string; prob: number; probs: number[] } | null;
}

export interface Browser { page: Page; errors: string[]; close(): Promise<void> }

/** Launches Debian's Chromium (a fresh profile) with one page whose errors are collected. */
export async function launchChromium(): Promise<Browser> {
  requireChromium();const profile = mkdtempSync(join(tmpdir(), 'vidwasm-chromium-demo-'));
  let context: BrowserContext;
  try {
    context = await launchContext(profile);
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return {
    page, errors,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the demo page at url and waits until its script has mounted the demo. */
export async function openDemo(b: Browser, url: string): Promise<void> {
  await b.page.goto(url, { timeout: 60_000 });
  await b.page.waitForFunction(() => (globalThis as { vidwasmDemoReady?: boolean }).vidwasmDemoReady === true, null, { timeout: 60_000 })
    .catch((e) => { throw new Error(`the demo page did not load: ${b.errors.join('; ') || e}`); });
}

/** Waits until the page's status is one of `done` (or an error). */
async function settle(page: Page, done: string, timeout: number): Promise<void> {
  await page.waitForFunction((want) => {
    const s = (globalThis as unknown as { vidwasmDemo: DemoGlobal }).vidwasmDemo.status;
    return s === want || s.startsWith('error');
  }, done, { timeout });
}

/** Sets the step count, clicks Train and waits: the final status, losses, shown text and curve points. */
export async function trainOnPage(page: Page, steps: number) {
  await page.fill('#steps', String(steps));
  await page.click('#train');
  await settle(page, 'trained', 120_000);
  return page.evaluate(() => {
    const d = (globalThis as unknown as { vidwasmDemo: DemoGlobal }).vidwasmDemo;
    return { status: d.status, losses: d.losses, accuracy: d.accuracy, confusion: d.confusion, shown: document.getElementById('loss')!.textContent, points: document.querySelector('#curve polyline')!.getAttribute('points') };
  });
}

/** Dispatches a real drop event carrying an mp4 file on the page's drop zone. */
export async function dropMp4(page: Page, mp4: Uint8Array): Promise<void> {
  await page.evaluate(async (bytes: number[]) => {
    const file = new File([new Uint8Array(bytes)], 'up.mp4', { type: 'video/mp4' });
    const dt = new DataTransfer();
    dt.items.add(file);
    document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, Array.from(mp4));
}

/** Waits for the classification of a dropped/loaded file: status, prediction and the shown text. */
export async function waitPrediction(page: Page, timeout = 60_000) {
  await settle(page, 'classified', timeout);
  return page.evaluate(() => {
    const d = (globalThis as unknown as { vidwasmDemo: DemoGlobal }).vidwasmDemo;
    return { status: d.status, prediction: d.prediction, shown: document.getElementById('prediction')!.textContent };
  });
}
