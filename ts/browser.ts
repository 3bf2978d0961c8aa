// Browser entry: top-level await fetches and compiles the kernel module before use.
import { initBrowser } from './runtime/hosts/browser.js';
await initBrowser();
export * from './index.js';
export { initBrowser as init };
