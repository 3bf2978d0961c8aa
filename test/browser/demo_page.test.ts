// The demo page as people see it, in headless Chromium: the strip of training clips playing,
// loss and held-out accuracy charts with axes and labels, the live confusion matrix, top-k bars
// for a dropped video, and the "pretrained X3D-XS" mode: the real X3D-XS checkpoint downloaded
// from a local server standing in for the zoo (?zoo=), with a progress bar, cached by the Cache
// API (a reload of the page classifies without downloading again), its answer for a real mp4
// equal to Node's pipeline. A full-page screenshot is taken and kept under the test's tmp dir.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { pipeline, zoo } from '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import { demoPageHtml } from '../../ts/demo/page.js';
import { DEMO_CLIP, DEMO_CLASSES } from '../../ts/demo/spec.js';
import { renderClip } from '../../ts/demo/synth.js';
import { encodeMp4 } from '../../ts/demo/encode.js';
import { media } from '../helpers/media.js';
import { serve, type Served } from './server.js';
import { launchChromium, openDemo, trainOnPage, dropMp4, waitPrediction, type Browser } from './demo_driver.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = new URL('../../../shared/fixtures/x3d_xs/model.pyth', import.meta.url).pathname;
// The test's tmp dir (the runner removes it afterwards); VIDWASM_SCREENSHOT_DIR keeps the PNG.
const out = process.env.VIDWASM_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'vidwasm-demo-page-'));
const clipPath = media('h264');

let browser: Browser | null = null;
let server: Served | null = null;
let page: Page;
let setupError: unknown = null;

test.before(async () => {
  try {
    const bundle = await build({
      entryPoints: [join(here, '../../ts/demo/page_main.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
      write: false, logLevel: 'silent', external: ['node:*'],
    });
    const req = createRequire(import.meta.url);
    const dist = (pkg: string) => join(req.resolve(pkg).replace(/[\\/]dist[\\/].*$/, ''), 'dist', 'esm');
    const dirFiles = (dir: string, prefix: string, ext: RegExp) => Object.fromEntries(readdirSync(dir).filter((f) => ext.test(f)).map((f) => [`${prefix}/${f}`, readFileSync(join(dir, f))]));
    server = await serve({
      ...dirFiles(dist('@ffmpeg/ffmpeg'), '/ffmpeg', /\.js$/),
      ...dirFiles(dist('@ffmpeg/core'), '/ffmpeg-core', /\.(js|wasm)$/),
      '/index.html': demoPageHtml({ script: './demo.js' }),
      '/demo.js': bundle.outputFiles[0].contents,
      '/vidwasm.wasm': readFileSync(wasmPath()),
      '/pixels.wasm': readFileSync(pixelsPath('single')!), // the pipeline's transforms
      '/favicon.ico': new Uint8Array(0),
      '/zoo/kinetics/X3D_XS.pyth': readFileSync(fixture),
    });
    browser = await launchChromium();
    page = browser.page;
    await page.setViewportSize({ width: 1100, height: 900 });
    await openDemo(browser, `${server.url}/?zoo=${encodeURIComponent(`${server.url}/zoo`)}`);
  } catch (e) {
    setupError = e;
  }
});
test.after(async () => {
  await browser?.close();
  await server?.close();
});
function ready(): void { if (setupError) throw setupError; }
type Api = { vidwasmDemo: { setMode(m: string): Promise<void>; status: string; topk: { label: string; score: number }[]; download: { loaded: number; total: number | null } | null } };

test('the strip plays 8 generated training clips, labelled by class', async () => {
  ready();
  const strip = await page.$$eval('#clips figure', (fs) => fs.map((f) => f.querySelector('figcaption')!.textContent));
  assert.equal(strip, Array.from({ length: 8 }, (_, i) => DEMO_CLASSES[i % 4]));
  const frame = () => page.$eval('#clips canvas', (c) => (c as HTMLCanvasElement).toDataURL());
  const a = await frame();
  await page.waitForTimeout(2 * 1000 / DEMO_CLIP.fps);
  assert.is.not(await frame(), a, 'the clips are playing');
});

test('training: loss and accuracy charts with axes, ticks and labels, and a live confusion matrix', async () => {
  ready();
  const r = await trainOnPage(page, 10);
  assert.is(r.status, 'trained', browser!.errors.join('; '));
  const chart = (id: string) => page.$eval(`#${id}`, (svg) => ({
    title: svg.querySelector('.title')?.textContent,
    axes: svg.querySelectorAll('.axis').length,
    xLabel: svg.querySelector('.x-label')?.textContent,
    yLabel: svg.querySelector('.y-label')?.textContent,
    ticks: [...svg.querySelectorAll('.tick')].map((t) => t.textContent),
    points: (svg.querySelector('polyline')?.getAttribute('points') ?? '').split(' ').filter(Boolean).length,
  }));
  const loss = await chart('curve'), acc = await chart('accuracy');
  assert.equal([loss.title, loss.axes, loss.xLabel, loss.yLabel, loss.points], ['training loss', 2, 'step', 'cross-entropy', 10]);
  assert.equal([acc.title, acc.axes, acc.xLabel, acc.yLabel, acc.points], ['held-out accuracy', 2, 'step', 'accuracy', 2]);
  assert.ok(loss.ticks.includes('10') && acc.ticks.includes('1') && acc.ticks.includes('0'), `ticks ${loss.ticks} / ${acc.ticks}`);
  const cm = await page.$eval('#confusion', (t) => ({
    head: [...t.querySelectorAll('thead th')].slice(1).map((h) => h.textContent),
    cells: [...t.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].map((c) => Number(c.textContent))),
  }));
  assert.equal(cm.head, [...DEMO_CLASSES]);
  assert.equal(cm.cells, r.confusion, 'the table shows the last evaluation');
  assert.equal(cm.cells.map((row) => row.reduce((a, b) => a + b, 0)), [8, 8, 8, 8], '32 held-out clips, 8 per class');
});

test('a dropped clip: top-k bars for the network trained here', async () => {
  ready();
  const { frames, size, fps } = DEMO_CLIP;
  await dropMp4(page, await encodeMp4(renderClip(1, 99, { frames, size }), { width: size, height: size, fps }));
  const p = await waitPrediction(page);
  assert.is(p.status, 'classified', browser!.errors.join('; '));
  const bars = await page.$$eval('#topk .bar-row', (rows) => rows.map((r) => ({
    label: r.querySelector('.bar-label')!.textContent!, value: parseFloat(r.querySelector('.bar-value')!.textContent!), width: parseFloat((r.querySelector('.bar') as HTMLElement).style.width),
  })));
  assert.is(bars.length, 4);
  assert.equal(bars.map((b) => b.label).sort(), [...DEMO_CLASSES].sort());
  assert.is(bars[0].label, p.prediction!.label);
  assert.ok(bars.every((b, i) => Math.abs(b.width - b.value) < 0.06 && (i === 0 || b.value <= bars[i - 1].value)), JSON.stringify(bars));
});

let nodeTop: { label: string; score: number }[] = [];

test('pretrained X3D-XS: downloaded from ?zoo= with a progress bar, top-5 Kinetics bars equal to Node\'s pipeline; screenshot', async () => {
  ready();
  await page.click('input[name=mode][value=pretrained]');
  await page.waitForFunction(() => /ready|error/.test((globalThis as unknown as Api).vidwasmDemo.status), null, { timeout: 60_000 });
  const size = readFileSync(fixture).length;
  const d = await page.evaluate(() => ({
    status: (globalThis as unknown as Api).vidwasmDemo.status, download: (globalThis as unknown as Api).vidwasmDemo.download,
    bar: [(document.getElementById('download') as HTMLProgressElement).value, (document.getElementById('download') as HTMLProgressElement).max],
    text: document.getElementById('download-text')!.textContent,
  }));
  assert.is(d.status, 'pretrained ready', browser!.errors.join('; '));
  assert.equal(d.download, { loaded: size, total: size });
  assert.equal(d.bar, [1, 1]);
  assert.is(d.text, 'X3D_XS.pyth ready');
  assert.is(server!.requests.filter((r) => r === '/zoo/kinetics/X3D_XS.pyth').length, 1);

  await dropMp4(page, readFileSync(clipPath));
  const p = await waitPrediction(page, 60_000);
  assert.is(p.status, 'classified', browser!.errors.join('; '));
  const shown = await page.evaluate(() => (globalThis as unknown as Api).vidwasmDemo.topk);
  const clf = await pipeline('video-classification', 'x3d_xs', { weights: fixture });
  nodeTop = await clf(clipPath, { topk: 5 });
  clf.dispose();
  assert.equal(shown.map((t) => t.label), nodeTop.map((t) => t.label));
  shown.forEach((t, i) => assert.ok(Math.abs(t.score - nodeTop[i].score) < 1e-4, `${t.label}: ${t.score} vs Node ${nodeTop[i].score}`));
  assert.ok(shown.every((t) => zoo.KINETICS400_CLASSES.includes(t.label)));
  assert.is(await page.$$eval('#topk .bar-row', (r) => r.length), 5);
  assert.match(p.shown ?? '', new RegExp(`^${nodeTop[0].label.replace(/[()]/g, '\\$&')} \\(\\d+\\.\\d%\\)$`));

  const png = await page.screenshot({ fullPage: true });
  const path = join(out, 'demo_page.png');
  writeFileSync(path, png);
  console.log(`  screenshot: ${path} (${png.length} B); X3D-XS top-1 "${nodeTop[0].label}" ${(nodeTop[0].score * 100).toFixed(1)}%`);
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  assert.ok(png.readUInt32BE(16) >= 1000 && png.readUInt32BE(20) >= 900, `page size ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`);
});

test('reload: the Cache API serves the checkpoint (no second download), same answer', async () => {
  ready();
  await openDemo(browser!, `${server!.url}/?zoo=${encodeURIComponent(`${server!.url}/zoo`)}`);
  await page.evaluate(() => (globalThis as unknown as Api).vidwasmDemo.setMode('pretrained'));
  const d = await page.evaluate(() => ({ status: (globalThis as unknown as Api).vidwasmDemo.status, text: document.getElementById('download-text')!.textContent }));
  assert.equal(d, { status: 'pretrained ready', text: 'X3D_XS.pyth ready (from the browser cache)' });
  assert.is(server!.requests.filter((r) => r === '/zoo/kinetics/X3D_XS.pyth').length, 1, 'not downloaded again');
  await dropMp4(page, readFileSync(clipPath));
  await waitPrediction(page, 60_000);
  const shown = await page.evaluate(() => (globalThis as unknown as Api).vidwasmDemo.topk);
  assert.equal(shown.map((t) => t.label), nodeTop.map((t) => t.label));
});

test.run();
