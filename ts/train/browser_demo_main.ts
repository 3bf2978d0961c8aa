// Bundle entry of the browser demo page (demoPageHtml() loads it as ./demo.js): the browser entry
// fetches ./vidwasm.wasm next to the bundle (top-level await), then the demo mounts on #app.
import '../browser.js';
import { mountDemo } from './browser_demo.js';

const root = document.getElementById('app') ?? document.body;
mountDemo(root);
(globalThis as { vidwasmDemoReady?: boolean }).vidwasmDemoReady = true;
