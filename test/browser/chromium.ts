// Debian's Chromium for the browser tests, launched the way this machine needs it (no sandbox
// as root, no GPU, no background networking on a closed network) with a fresh profile.
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.VIDWASM_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Fails the test with a clear message when Chromium is missing (CI installs it): never a silent pass. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (make setup) or set VIDWASM_CHROMIUM`);
}

/**
 * A headless Chromium context over the given (fresh, caller-owned) profile folder; `extra` adds
 * command-line flags and context options (device emulation).
 */
export function launchChromium(profile: string, extra: { args?: string[]; context?: Omit<LaunchOptions, 'args'> } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { ...extra.context, executablePath: CHROMIUM, headless: true, timeout: 60_000, args: [...ARGS, ...extra.args ?? []] });
}
type LaunchOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;
