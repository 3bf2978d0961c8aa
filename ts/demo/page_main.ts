// Bundle entry of the browser demo page (demoPageHtml() loads it as ./demo.js): init() fetches
// ./vidwasm.wasm next to the bundle, then the demo mounts on #app.
// ?decoder=ffmpeg decodes dropped videos for the demo network with vidwasm's ffmpeg.wasm decoder
// instead of <video>; ?zoo=URL (else the page's data-zoo attribute, set by `vidwasm serve`) is
// where the pretrained X3D-XS is downloaded from instead of the zoo's own URL.
import { init } from '../browser.js';
import { mountDemo } from './page.js';

await init();
const root = document.getElementById('app') ?? document.body;
const q = new URLSearchParams(location.search);
const decoder = q.get('decoder') === 'ffmpeg' ? 'ffmpeg' : 'video-element';
const zooBaseUrl = q.get('zoo') ?? document.documentElement.dataset.zoo;
mountDemo(root, { decoder, zooBaseUrl: zooBaseUrl ? new URL(zooBaseUrl, location.href).href : undefined });
(globalThis as { vidwasmDemoReady?: boolean }).vidwasmDemoReady = true;
