// The browser engines of the engine matrix, behind one small interface: open a page, call a
// function the page defines on globalThis, close. Chromium (V8) through playwright-core, Firefox
// ESR (SpiderMonkey) through puppeteer-core over WebDriver BiDi, WebKitGTK (JavaScriptCore)
// through WebKitWebDriver (webkit.ts). All three are Debian's system browsers: nothing is downloaded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { launchChromium, requireChromium } from './chromium.js';
import { launchWebKit } from './webkit.js';

export const FIREFOX = process.env.VIDWASM_FIREFOX ?? '/usr/bin/firefox-esr';

export type EngineName = 'chromium' | 'firefox' | 'webkit' | 'webkit-no-sab';
export const ENGINE_LABEL: Record<EngineName, string> = {
  chromium: 'Chromium', firefox: 'Firefox ESR', webkit: 'WebKitGTK (JSC_useSharedArrayBuffer=true)', 'webkit-no-sab': 'WebKitGTK (engine defaults)',
};

export interface EnginePage {
  /** Awaits globalThis[fn](arg) in the page (waiting for the page's module to define fn) and returns its JSON result. */
  call<T>(fn: string, arg?: unknown): Promise<T>;
  goto(url: string): Promise<void>;
  close(): Promise<void>;
}

/** A module script cannot report its own load failure: the page records errors here (see PAGE_ERRORS_SCRIPT). */
export const PAGE_ERRORS_SCRIPT = '<script>globalThis.vidwasmPageErrors = [];' +
  'addEventListener("error", (e) => vidwasmPageErrors.push(String(e.message)));' +
  'addEventListener("unhandledrejection", (e) => vidwasmPageErrors.push(String(e.reason && e.reason.stack || e.reason)));</script>';

const CALL_TIMEOUT_MS = 120_000;
/**
 * The in-page side of call(), as source text so every driver sends the same thing. Resolves to
 * { value } or { error } (drivers differ in how they report a rejected promise).
 */
const callSource = (fn: string, arg: unknown) => `(async () => {
  const deadline = Date.now() + ${CALL_TIMEOUT_MS};
  while (typeof globalThis[${JSON.stringify(fn)}] !== 'function') {
    const errs = globalThis.vidwasmPageErrors || [];
    if (errs.length) return { error: 'the page failed to load: ' + errs.join('; ') };
    if (Date.now() > deadline) return { error: 'the page never defined ${fn}' };
    await new Promise((r) => setTimeout(r, 25));
  }
  try { return { value: await globalThis[${JSON.stringify(fn)}](${JSON.stringify(arg ?? null)}) }; }
  catch (e) { return { error: String(e && e.stack || e) }; }
})()`;

function unwrap<T>(fn: string, r: unknown): T {
  const o = r as { value?: T; error?: string };
  if (o && typeof o === 'object' && 'error' in o) throw new Error(`${fn}() in the page: ${o.error}`);
  return o.value as T;
}

/** Fails with a clear message when Firefox ESR is missing (make setup installs it). */
export function requireFirefox(): void {
  if (!existsSync(FIREFOX)) throw new Error(`Firefox not found at ${FIREFOX}: install Debian's firefox-esr (make setup) or set VIDWASM_FIREFOX`);
}

/** What playwright-core's and puppeteer-core's pages have in common, as this file uses them. */
interface DriverPage {
  goto(url: string, opts: { timeout: number }): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
}

async function driverPage(page: DriverPage, url: string, close: () => Promise<void>): Promise<EnginePage> {
  const goto = async (u: string) => { await page.goto(u, { timeout: 60_000 }); };
  await goto(url);
  return { call: async (fn, arg) => unwrap(fn, await page.evaluate(callSource(fn, arg))), goto, close };
}

/** Launches the engine and opens url in its one page. */
export async function openEngine(name: EngineName, url: string): Promise<EnginePage> {
  if (name === 'chromium') {
    requireChromium();
    const profile = mkdtempSync(join(tmpdir(), 'vidwasm-chromium-'));
    const context = await launchChromium(profile);
    return driverPage(context.pages()[0] ?? await context.newPage(), url, async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    });
  }
  if (name === 'firefox') {
    requireFirefox();
    // puppeteer-core speaks WebDriver BiDi to Firefox and gives it a fresh temporary profile.
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, timeout: 60_000, protocolTimeout: CALL_TIMEOUT_MS + 10_000 });
    return driverPage((await browser.pages())[0] ?? await browser.newPage(), url, () => browser.close().catch(() => {}));
  }
  const session = await launchWebKit({ sharedArrayBuffer: name === 'webkit', scriptTimeoutMs: CALL_TIMEOUT_MS + 10_000 });
  await session.navigate(url);
  return {
    call: async (fn, arg) => unwrap(fn, await session.executeAsync(
      `const done = arguments[arguments.length - 1]; ${callSource(fn, arg)}.then(done, (e) => done({ error: String(e) }));`, [])),
    goto: (u) => session.navigate(u),
    close: () => session.close(),
  };
}
