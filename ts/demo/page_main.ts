// Bundle entry of the browser demo page (demoPageHtml() loads it as ./demo.js): init() fetches
// ./vidwasm.wasm next to the bundle, then the demo mounts on #app.
// ?decoder=ffmpeg decodes dropped videos with vidwasm's ffmpeg.wasm decoder instead of <video>.
import { init } from '../browser.js';
import { mountDemo } from './page.js';

await init();
const root = document.getElementById('app') ?? document.body;
const decoder = new URLSearchParams(location.search).get('decoder') === 'ffmpeg' ? 'ffmpeg' : 'video-element';
mountDemo(root, { decoder });
(globalThis as { vidwasmDemoReady?: boolean }).vidwasmDemoReady = true;
