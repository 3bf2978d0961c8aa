// Checkpoint IO: real PyTorchVideo .pyth files (zip and legacy), files written by PyTorch with
// awkward tensors, vidwasm's writer checked by torch.load, safetensors, and hostile files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { Tensor, zoo, type Tensor as T } from '../../ts/node.js';
import { CheckpointError } from '../../ts/zoo/index.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose } from '../helpers/assert.js';
import { roundTripContent, rejects } from '../helpers/checkpoint_content.js';

const data = (f: string) => new URL(`../data/checkpoints/${f}`, import.meta.url).pathname;
const fixtures = new URL('../../../shared/fixtures/', import.meta.url).pathname;
const golden = loadGolden('checkpoint');


const dispose = (sd: Map<string, T>) => { for (const t of sd.values()) t.dispose(); };

if (existsSync(fixtures)) {
  test('reads the real PyTorchVideo X3D-XS checkpoint, zip and legacy formats alike', async () => {
    const zip = await zoo.readCheckpoint(`${fixtures}x3d_xs/model.pyth`);
    const legacy = await zoo.readCheckpoint(`${fixtures}x3d_xs/model_legacy.pyth`);
    const meta = JSON.parse(readFileSync(`${fixtures}x3d_xs/meta.json`, 'utf8'));
    assert.is(zip.size, meta.n_state_entries);
    assert.equal([...zip.keys()], [...legacy.keys()]);
    let params = 0;
    for (const [k, t] of zip) {
      const l = legacy.get(k)!;
      assert.equal([...t.shape], [...l.shape], k);
      assert.equal([...t.toArray()], [...l.toArray()], k);
      if (t.dtype === 'f32' && !/running_|num_batches/.test(k)) params += t.size;
    }
    assert.is(params, meta.n_params);
    const nbt = zip.get('blocks.0.norm.num_batches_tracked')!;
    assert.is(nbt.dtype, 'i32');
    assert.equal([...nbt.shape], []);
    assert.equal([...zip.get('blocks.0.conv.conv_t.weight')!.shape], [24, 3, 1, 3, 3]);
    dispose(zip); dispose(legacy);
  });
} else {
  test.skip('shared fixtures are absent: the PyTorchVideo checkpoint test is skipped', () => {});
  console.log(`SKIPPED: ${fixtures} not found`);
}

test('vidwasm writes exactly the bytes torch.load was checked on, and reads them back', async () => {
  const content = roundTripContent();
  const bytes = zoo.serializeTorchFile(content);
  assert.is(createHash('sha256').update(bytes).digest('hex'), (golden[0] as unknown as { ours_sha256: string }).ours_sha256);
  const back = await zoo.readTorchFile(bytes) as Map<string, any>;
  assert.is(back.get('epoch'), 7);
  assert.is(back.get('lr'), 0.125);
  assert.equal(back.get('flags'), [true, false, null]);
  const sd = back.get('model_state') as Map<string, T>;
  for (const [k, t] of content.get('model_state') as Map<string, T>) {
    assert.equal([...sd.get(k)!.shape], [...t.shape], k);
    assert.equal([...sd.get(k)!.toArray()], [...t.toArray()], k);
    assert.is(sd.get(k)!.dtype, t.dtype, k);
  }
});

for (const file of ['torch_made.pyth', 'torch_made_legacy.pyth', 'torch_bare.pyth']) {
  test(`reads ${file}: strided views, shared storage, every dtype`, async () => {
    const sd = await zoo.readCheckpoint(data(file));
    const exp = golden[1].inputs;
    assert.equal([...sd.keys()], Object.keys(exp));
    for (const [k, g] of Object.entries(exp)) {
      const t = sd.get(k)!;
      assert.equal([...t.shape], g.shape, k);
      assertClose(t.toArray(), g.data, { rtol: 0, atol: 0 }, `${file} ${k}`);
    }
    dispose(sd);
  });
}

test('refuses a pickle that calls os.system, naming it, and runs nothing', async () => {
  await rejects(zoo.readCheckpoint(data('evil_os_system.pyth')), /refusing to call (posix|os)\.system/, 'evil');
  assert.not.ok(existsSync('/tmp/vidwasm-pwned'));
});

test('refuses a tensor whose view runs past its storage', async () => {
  await rejects(zoo.readCheckpoint(data('out_of_bounds.pyth')), /out of bounds/, 'oob');
});

test('truncated, empty, garbage and wrong-magic files give CheckpointError', async () => {
  const good = readFileSync(data('torch_made.pyth'));
  for (const cut of [10, 100, good.length >> 1, good.length - 30]) {
    await rejects(zoo.readCheckpoint(good.subarray(0, cut)), /corrupt|truncated|missing|pickle/, `zip cut at ${cut}`);
  }
  const legacy = readFileSync(data('torch_made_legacy.pyth'));
  for (const cut of [5, 300, legacy.length - 3]) {
    await rejects(zoo.readCheckpoint(legacy.subarray(0, cut)), /truncated|pickle|STOP/, `legacy cut at ${cut}`);
  }
  await rejects(zoo.readCheckpoint(new Uint8Array(0)), /too short/, 'empty');
  await rejects(zoo.readCheckpoint(new TextEncoder().encode('hello world, not a model')), /unknown magic/, 'text');
  await rejects(zoo.readCheckpoint(Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255)), /not a PyTorch or safetensors checkpoint|corrupt/, 'garbage');
  await rejects(zoo.readCheckpoint(zipSync({ 'a/readme.txt': new TextEncoder().encode('x') })), /no data\.pkl/, 'zip without pickle');
  await rejects(zoo.readCheckpoint('/nonexistent/X3D_XS.pyth'), /X3D_XS\.pyth: no such file/, 'missing file');
});

test('a checkpoint without a state dict says what it holds', async () => {
  const bytes = zoo.serializeTorchFile(new Map<string, any>([['epoch', 3]]));
  await rejects(zoo.readCheckpoint(bytes), /contains no tensors/, 'no tensors');
  await rejects(zoo.readCheckpoint(bytes, { key: 'model_state' }), /no 'model_state' entry/, 'missing key');
});

test('safetensors round trip and hostile headers', async () => {
  const sd = new Map([['a.weight', Tensor.randn([3, 4])], ['a.count', Tensor.from(new Int32Array([5]), [1])], ['b', Tensor.randn([2, 3, 2, 2]).toLayout('channels_last')]]);
  const bytes = await zoo.saveSafetensors(sd, undefined, { format: 'pt' });
  const back = await zoo.readSafetensors(bytes);
  for (const [k, t] of sd) assert.equal([...back.get(k)!.toArray()], [...t.toArray()], k);
  const bad = bytes.slice();
  new DataView(bad.buffer).setBigUint64(0, 1n << 40n, true);
  await rejects(zoo.readSafetensors(bad), /header of \d+ bytes is too large/, 'huge header');
  await rejects(zoo.readSafetensors(bytes.subarray(0, bytes.length - 4)), /truncated/, 'truncated body');
  const txt = new TextEncoder().encode('{"x":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}}');
  const evil = new Uint8Array(8 + txt.length);
  new DataView(evil.buffer).setBigUint64(0, BigInt(txt.length), true);
  evil.set(txt, 8);
  await rejects(zoo.readSafetensors(evil), /truncated/, 'offsets beyond file');
});

test.run();
