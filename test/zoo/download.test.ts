// Pretrained weights by name, end to end against a local HTTP server that serves the real
// PyTorchVideo X3D-XS checkpoint (../shared/fixtures) under the zoo's path layout, and misbehaves
// on request: cuts the connection mid-file (with and without Range support), flips a byte,
// answers 404, or sends an HTML page with status 200.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { zoo, ArgumentError, memoryStats } from '../../ts/node.js';

const fixture = new URL('../../../shared/fixtures/x3d_xs/model.pyth', import.meta.url).pathname;
const bytes = readFileSync(fixture);
const sha = createHash('sha256').update(bytes).digest('hex');
const rel = zoo.weightsLocation(zoo.modelInfo('x3d_xs')).rel; // kinetics/X3D_XS.pyth

const requests: { path: string; range?: string }[] = [];
let cutOnce = new Set<string>();
function handle(req: IncomingMessage, res: ServerResponse): void {
  const [, mode, ...restParts] = (req.url ?? '').split('/');
  const rest = restParts.join('/');
  requests.push({ path: req.url!, range: req.headers.range });
  if (rest !== rel || mode === 'missing') { res.writeHead(404).end('not here'); return; }
  if (mode === 'html') { res.writeHead(200, { 'content-type': 'text/html' }).end('<html>mirror is down</html>'); return; }
  let body: Buffer = bytes;
  if (mode === 'corrupt') { body = Buffer.from(bytes); body[body.length >> 1] ^= 0x40; }
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (range && mode === 'cut') {
    const from = Number(range[1]);
    res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` }).end(body.subarray(from));
    return;
  }
  res.writeHead(200, { 'content-length': body.length });
  if ((mode === 'cut' || mode === 'cut-norange') && !cutOnce.has(mode)) {
    cutOnce.add(mode);
    res.write(body.subarray(0, body.length >> 2), () => res.destroy());
    return;
  }
  res.end(body);
}

const server = createServer(handle);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = (mode: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${mode}`;
const cache = () => mkdtempSync(join(tmpdir(), 'vidwasm-cache-'));
// No torch hub cache unless a test makes one.
process.env.TORCH_HOME = mkdtempSync(join(tmpdir(), 'vidwasm-torch-'));

test('zoo.load(name, { pretrained: true }) downloads with progress, verifies, caches and loads strictly', async () => {
  const dir = cache();
  const events: zoo.DownloadProgress[] = [];
  requests.length = 0;
  const net = await zoo.load('x3d_xs', { pretrained: true, baseUrl: base('ok'), cacheDir: dir, onProgress: (p) => events.push(p) });
  assert.is(requests.length, 1);
  assert.ok(events.length > 1, 'several progress events');
  const last = events[events.length - 1];
  assert.is(last.loaded, bytes.length);
  assert.is(last.total, bytes.length);
  assert.is(last.file, 'X3D_XS.pyth');
  assert.ok(events.every((e, i) => i === 0 || e.loaded >= events[i - 1].loaded), 'loaded never goes back');
  assert.ok(last.bytesPerSec > 0 && last.etaSec === 0);
  assert.equal(readFileSync(join(dir, rel)), bytes, 'the cached file is the checkpoint');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.is(manifest[rel].sha256, sha);
  assert.is(manifest[rel].size, bytes.length);
  // The weights really are the checkpoint's.
  const sd = await zoo.readCheckpoint(fixture);
  const w = sd.get('blocks.5.proj.weight')!;
  assert.equal(net.getParameter('blocks.5.proj.weight').toArray(), w.toArray());
  for (const t of sd.values()) t.dispose();
  net.dispose();
  assert.not.ok(readdirSync(join(dir, 'kinetics')).some((f) => f.endsWith('.part')), 'no temporary file left');

  // Second time: from the cache, no request; offline works too.
  requests.length = 0;
  const again = await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('ok'), cacheDir: dir, offline: true });
  assert.is(again, join(dir, rel));
  assert.is(requests.length, 0, 'a cache hit makes no request');
});

test('offline with nothing cached, a 404 and an HTML page are typed errors naming the problem', async () => {
  const dir = cache();
  await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('ok'), cacheDir: dir, offline: true })
    .then(() => assert.unreachable(), (e) => { assert.instance(e, zoo.DownloadError); assert.match(e.message, /offline/); });
  await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('missing'), cacheDir: dir })
    .then(() => assert.unreachable(), (e) => { assert.instance(e, zoo.DownloadError); assert.match(e.message, /missing\/kinetics\/X3D_XS\.pyth: not found \(HTTP 404\)/); });
  await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('html'), cacheDir: dir })
    .then(() => assert.unreachable(), (e) => { assert.instance(e, zoo.DownloadError); assert.match(e.message, /not a checkpoint/); });
  assert.not.ok(existsSync(join(dir, rel)), 'nothing cached');
  assert.not.ok(existsSync(join(dir, 'kinetics')) && readdirSync(join(dir, 'kinetics')).length > 0, 'no temporary file left');
});

test('a corrupted download is refused: against a given hash, and against the hash recorded on first use', async () => {
  const dir = cache();
  await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('corrupt'), cacheDir: dir, sha256: sha })
    .then(() => assert.unreachable(), (e) => { assert.instance(e, zoo.DownloadError); assert.match(e.message, /SHA-256 .* does not match the expected/); });
  assert.not.ok(existsSync(join(dir, rel)));
  // First use records the hash; the cached file is then damaged on disk; the mirror serves a
  // different file: refused, because it is not what was first downloaded.
  await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('ok'), cacheDir: dir });
  const damaged = Buffer.from(bytes); damaged[100] ^= 1;
  writeFileSync(join(dir, rel), damaged);
  await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('corrupt'), cacheDir: dir })
    .then(() => assert.unreachable(), (e) => { assert.instance(e, zoo.DownloadError); assert.match(e.message, /recorded when it was first downloaded/); });
  // The good mirror heals it.
  assert.is(await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('ok'), cacheDir: dir }), join(dir, rel));
  assert.equal(readFileSync(join(dir, rel)), bytes);
});

test('an interrupted download resumes with a Range request, or restarts when the server ignores it', async () => {
  for (const mode of ['cut', 'cut-norange']) {
    const dir = cache();
    requests.length = 0;
    cutOnce = new Set();
    const path = await zoo.pretrainedWeights('x3d_xs', { baseUrl: base(mode), cacheDir: dir });
    assert.equal(readFileSync(path as string), bytes, mode);
    assert.is(requests.length, 2, `${mode}: one retry`);
    assert.ok(requests[1].range?.startsWith('bytes='), `${mode}: the retry asks for the rest`);
  }
});

test('a checkpoint already in torch hub\'s cache is used without a request; the env var sets the base URL', async () => {
  const torchHome = mkdtempSync(join(tmpdir(), 'vidwasm-torch-'));
  mkdirSync(join(torchHome, 'hub', 'checkpoints'), { recursive: true });
  writeFileSync(join(torchHome, 'hub', 'checkpoints', 'X3D_XS.pyth'), bytes);
  const saved = process.env.TORCH_HOME;
  process.env.TORCH_HOME = torchHome;
  try {
    requests.length = 0;
    const path = await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('ok'), cacheDir: cache() });
    assert.is(path, join(torchHome, 'hub', 'checkpoints', 'X3D_XS.pyth'));
    assert.is(requests.length, 0);
  } finally { process.env.TORCH_HOME = saved; }
  process.env.VIDWASM_ZOO_BASE_URL = base('ok');
  try {
    assert.is(zoo.weightsLocation(zoo.modelInfo('x3d_xs')).url, `${base('ok')}/${rel}`);
  } finally { delete process.env.VIDWASM_ZOO_BASE_URL; }
  assert.match(zoo.weightsLocation(zoo.modelInfo('x3d_xs')).url, /^https:\/\/dl\.fbaipublicfiles\.com\/pytorchvideo\/model_zoo\/kinetics\/X3D_XS\.pyth$/);
});

test('an aborted download stops with a typed error and leaves nothing behind', async () => {
  const dir = cache();
  const ctrl = new AbortController();
  await zoo.pretrainedWeights('x3d_xs', { baseUrl: base('ok'), cacheDir: dir, signal: ctrl.signal, onProgress: () => ctrl.abort() })
    .then(() => assert.unreachable(), (e) => { assert.instance(e, zoo.DownloadError); assert.match(e.message, /aborted/); });
  assert.not.ok(existsSync(join(dir, rel)));
  assert.is(readdirSync(join(dir, 'kinetics')).length, 0, 'no temporary file left');
});

test('zoo.load needs weights or pretrained; random weights only when asked', async () => {
  const before = memoryStats().liveTensors;
  await zoo.load('x3d_xs').then(() => assert.unreachable(), (e) => {
    assert.instance(e, ArgumentError);
    assert.match(e.message, /pretrained: true.*weights.*pretrained: false/);
  });
  await zoo.load('x3d_xs', { pretrained: true, weights: fixture }).then(() => assert.unreachable(), (e) => assert.instance(e, ArgumentError));
  assert.is(memoryStats().liveTensors, before, 'nothing built (or left) before the argument check');
  const random = await zoo.load('x3d_xs', { pretrained: false });
  assert.is(random.getParameter('blocks.5.proj.weight').shape[0], 400);
  random.dispose();
  await zoo.pretrainedWeights('x3d_xs_int8_qnnpack', { cacheDir: cache() })
    .then(() => assert.unreachable(), (e) => { assert.instance(e, zoo.DownloadError); assert.match(e.message, /torchscript/); });
});

test.after(() => { server.close(); });
test.run();
