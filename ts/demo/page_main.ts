// Bundle entry of the browser demo page (demoPageHtml() loads it as ./demo.js): the browser entry
// fetches ./vidwasm.wasm next to the bundle (top-level await), then the demo mounts on #app.
// ?decoder=ffmpeg decodes dropped videos for the demo network with vidwasm's ffmpeg.wasm decoder
// instead of <video>; ?zoo=URL downloads the pretrained X3D-XS from that root instead of the zoo's.
import '../browser.js';
import { mountDemo } from './page.js';

const root = document.getElementById('app') ?? document.body;
const q = new URLSearchParams(location.search);
const decoder = q.get('decoder') === 'ffmpeg' ? 'ffmpeg' : 'video-element';
mountDemo(root, { decoder, zooBaseUrl: q.get('zoo') ?? undefined });
(globalThis as { vidwasmDemoReady?: boolean }).vidwasmDemoReady = true;
