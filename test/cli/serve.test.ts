// `vidwasm serve` as a user runs it: the command (from the source tree, through tsx) is started
// as a child process on 127.0.0.1 with --port 0 (it prints the port it got) and --dir holding a
// generated mp4. Checked: COOP/COEP and MIME types, traversal attempts refused, then headless
// Chromium drives the served page (train a few steps: the loss goes down; the mp4, fetched from
// the server and dropped on the page, gets a prediction), and SIGINT stops the server cleanly.
// A bad --port is a one-line usage error with exit 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../ts/node.js';
import { DEMO_CLIP, DEMO_CLASSES } from '../../ts/demo/spec.js';
import { renderClip } from '../../ts/demo/synth.js';
import { encodeMp4 } from '../../ts/demo/encode.js';
import { launchChromium, openDemo, trainOnPage, dropMp4, waitPrediction, type Browser } from '../browser/demo_driver.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// A stand-in for the zoo's download server (the real X3D-XS checkpoint; anything else 404s),
// reached by the served page's /zoo/ route through $VIDWASM_ZOO_BASE_URL, cached in a temp dir.
const fixture = readFileSync(new URL('../../../shared/fixtures/x3d_xs/model.pyth', import.meta.url));
let zooHits = 0;
const zoo = createServer((req, res) => {
  if (req.url === '/kinetics/X3D_XS.pyth') { zooHits++; res.writeHead(200, { 'Content-Length': fixture.length }).end(fixture); } else res.writeHead(404).end();
});
await new Promise<void>((ok) => zoo.listen(0, '127.0.0.1', ok));
const zooCache = mkdtempSync(join(tmpdir(), 'vidwasm-serve-zoo-'));
const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', 'ts/cli/main.ts', ...args], {
  cwd: root,
  env: { ...process.env, FORCE_COLOR: '0', VIDWASM_ZOO_BASE_URL: `http://127.0.0.1:${(zoo.address() as AddressInfo).port}`, VIDWASM_CACHE_DIR: zooCache },
});

let server: ChildProcess | null = null;
let url = '';
let tmp = '';
let browser: Browser | null = null;
let setupError: unknown = null;

/** Starts `vidwasm serve --port 0` and reads the URL it prints (bounded wait). */
async function startServe(dir: string): Promise<string> {
  server = cli(['serve', '--port', '0', '--host', '127.0.0.1', '--dir', dir]);
  let out = '';
  server.stderr!.on('data', (d) => { out += d; });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`vidwasm serve printed no URL within 60 s: ${out}`)), 60_000);
    server!.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) { clearTimeout(timer); console.log(`  vidwasm serve listening on port ${m[1]}`); ok(m[0]); }
    });
    server!.on('exit', (code) => { clearTimeout(timer); fail(new Error(`vidwasm serve exited (${code}): ${out}`)); });
  });
}

/** One GET with the path sent exactly as given (fetch would normalise '..' away). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

test.before(async () => {
  try {
    tmp = mkdtempSync(join(tmpdir(), 'vidwasm-serve-'));
    const dir = join(tmp, 'served');
    mkdirSync(dir);
    writeFileSync(join(tmp, 'secret.txt'), 'outside the served folder');
    const { frames, size, fps } = DEMO_CLIP;
    writeFileSync(join(dir, 'clip.mp4'), await encodeMp4(renderClip(1, 777, { frames, size }), { width: size, height: size, fps }));
    // Symlinks: two lead out of the served folder (a file and a folder), one stays inside.
    symlinkSync(join(tmp, 'secret.txt'), join(dir, 'leak.txt'));
    symlinkSync(tmp, join(dir, 'up'));
    symlinkSync(join(dir, 'clip.mp4'), join(dir, 'alias.mp4'));
    url = await startServe(dir);
  } catch (e) {
    setupError = e;
  }
});
test.after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  rmSync(zooCache, { recursive: true, force: true });
  zoo.close();
});
function ready(): void { if (setupError) throw setupError; }

test('serve: COOP/COEP on every response, MIME types for html, js, wasm and mp4', async () => {
  ready();
  const cases: [string, string][] = [
    ['/', 'text/html'], ['/demo.js', 'text/javascript'], ['/vidwasm.wasm', 'application/wasm'], ['/pixels.wasm', 'application/wasm'],
    ['/ffmpeg/worker.js', 'text/javascript'], ['/ffmpeg-core/ffmpeg-core.js', 'text/javascript'], ['/ffmpeg-core/ffmpeg-core.wasm', 'application/wasm'],
    ['/clip.mp4', 'video/mp4'],
  ];
  for (const [path, type] of cases) {
    const r = await rawGet(path);
    assert.is(r.status, 200, path);
    assert.is(r.headers['cross-origin-opener-policy'], 'same-origin', path);
    assert.is(r.headers['cross-origin-embedder-policy'], 'require-corp', path);
    assert.ok(String(r.headers['content-type']).startsWith(type), `${path}: ${r.headers['content-type']}`);
    assert.ok(r.body.length > 0, path);
  }
  const page = (await rawGet('/')).body.toString();
  assert.ok(page.includes('<script type="module" src="./demo.js"></script>'), 'the page loads ./demo.js');
  const wasm = (await rawGet('/vidwasm.wasm')).body;
  assert.equal([...wasm.subarray(0, 4)], [0, 0x61, 0x73, 0x6d], 'a wasm module');
  const missing = await rawGet('/nope.js');
  assert.is(missing.status, 404);
  assert.is(missing.headers['cross-origin-embedder-policy'], 'require-corp');
});

test('serve: /zoo/ serves zoo checkpoints fetched (once, then cached) by the server for the page\'s pretrained mode', async () => {
  ready();
  assert.ok((await rawGet('/')).body.toString().includes('<html lang="en" data-zoo="/zoo">'), 'the page downloads from /zoo');
  for (let i = 0; i < 2; i++) {
    const r = await rawGet('/zoo/kinetics/X3D_XS.pyth');
    assert.is(r.status, 200);
    assert.is(r.headers['content-length'], String(fixture.length));
    assert.is(r.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.ok(r.body.equals(fixture), 'the checkpoint bytes');
  }
  assert.is(zooHits, 1, 'downloaded once, then served from the cache');
  assert.is((await rawGet('/zoo/kinetics/NOT_IN_THE_ZOO.pyth')).status, 404);
  const upstream = await rawGet('/zoo/kinetics/X3D_S.pyth');
  assert.is(upstream.status, 502);
  assert.match(upstream.body.toString(), /X3D_S\.pyth: not found \(HTTP 404\)/);
});

test('serve: paths that climb out of a served folder are refused', async () => {
  ready();
  for (const path of ['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/ffmpeg/..%2f..%2fpackage.json', '/ffmpeg-core/%2e%2e%2f%2e%2e%2f..%2f..%2fpackage.json', '/../secret.txt', '/ffmpeg/../../../package.json', '/..\\secret.txt']) {
    const r = await rawGet(path);
    assert.ok(r.status === 403 || r.status === 404, `${path}: HTTP ${r.status}`);
    assert.not.ok(r.body.toString().includes('outside the served folder') || r.body.toString().includes('"name"'), `${path} leaked a file`);
  }
  assert.is((await rawGet('/..%2fsecret.txt')).status, 403);
});

test('serve: symlinks are followed only while their target stays inside --dir', async () => {
  ready();
  for (const path of ['/leak.txt', '/up/secret.txt']) {
    const r = await rawGet(path);
    assert.is(r.status, 403, `${path}: HTTP ${r.status}`);
    assert.not.ok(r.body.toString().includes('outside the served folder'), `${path} leaked a file`);
  }
  const inside = await rawGet('/alias.mp4');
  assert.is(inside.status, 200, 'a link to a file inside the folder is served');
  assert.equal(inside.body, (await rawGet('/clip.mp4')).body);
});

test('serve: a Host header naming another host is refused (DNS rebinding); loopback names are served', async () => {
  ready();
  const { port } = new URL(url);
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, '10.0.0.1']) {
    const r = await rawGet('/clip.mp4', { Host: host });
    assert.is(r.status, 403, `Host: ${host} -> HTTP ${r.status}`);
    assert.is(r.body.toString(), 'forbidden host\n');
  }
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', 'LOCALHOST']) {
    assert.is((await rawGet('/clip.mp4', { Host: host })).status, 200, `Host: ${host}`);
  }
});

test('serve: --host 0.0.0.0 warns that every interface is open', async () => {
  const child = cli(['serve', '--port', '0', '--host', '0.0.0.0']);
  let err = '', out = '';
  child.stderr!.on('data', (d) => { err += d; });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no URL within 60 s: ${out} ${err}`)), 60_000);
    child.stdout!.on('data', (d) => { out += d; if (/http:\/\//.test(out)) { clearTimeout(timer); ok(); } });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`exited ${code}: ${err}`)); });
  });
  child.removeAllListeners('exit');
  child.kill('SIGINT');
  await new Promise((ok) => child.once('exit', ok));
  assert.match(err, /warning: --host 0\.0\.0\.0 listens on every network interface/);
});

test('serve: in Chromium the served page trains (held-out scores) and classifies the served mp4 dropped on it', async () => {
  ready();
  browser = await launchChromium();
  await openDemo(browser, url);
  assert.ok(await browser.page.evaluate(() => crossOriginIsolated), 'the page is cross-origin isolated (COOP/COEP)');
  const r = await trainOnPage(browser.page, 8);
  console.log(`  served page: ${r.losses.length} steps, loss ${r.losses[0]?.toFixed(4)} -> ${r.losses[r.losses.length - 1]?.toFixed(4)}`);
  assert.is(r.status, 'trained', browser.errors.join('; '));
  assert.is(r.losses.length, 8);
  // Fresh clips every step: the loss is noisy over 8 steps (its fall and the Chromium = Node
  // equality are tested in test/browser/demo.test.ts); here the served page must train and score.
  assert.ok(r.losses.every(Number.isFinite));
  assert.equal(r.accuracy.map((a) => a[0]), [5, 8], 'held-out accuracy after steps 5 and 8');
  const mp4 = await browser.page.evaluate(async () => Array.from(new Uint8Array(await (await fetch('/clip.mp4')).arrayBuffer())));
  await dropMp4(browser.page, new Uint8Array(mp4));
  const p = await waitPrediction(browser.page);
  console.log(`  served mp4 (${mp4.length} B): prediction "${p.shown}"`);
  assert.is(p.status, 'classified', browser.errors.join('; '));
  assert.ok(p.prediction && DEMO_CLASSES.includes(p.prediction.label));
  assert.match(p.shown ?? '', new RegExp(`^(${DEMO_CLASSES.join('|')}) \\(\\d+\\.\\d%\\)$`));
});

test('serve: SIGINT stops the server (exit 0) and the port closes', async () => {
  ready();
  const exited = new Promise<number | null>((ok) => server!.once('exit', (code) => ok(code)));
  server!.kill('SIGINT');
  const code = await Promise.race([exited, new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), 10_000))]);
  assert.is(code, 0, 'exit 0 within 10 s');
  try {
    await rawGet('/');
    assert.unreachable('the server still answers');
  } catch (e) {
    assert.match(String((e as Error).message), /ECONNREFUSED/);
  }
});

test('serve: a bad --port is one usage line and exit 2', async () => {
  for (const port of ['70000', 'abc', '-1']) {
    const child = cli(['serve', '--port', port]);
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    assert.is(code, 2, `--port ${port}`);
    assert.match(err, /^vidwasm: serve: --port needs an integer/, err);
    assert.not.match(err, /\n\s+at /, 'no stack trace');
  }
});

test.run();
