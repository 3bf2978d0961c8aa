// `vidwasm convert`: .pyth -> .safetensors -> .pyth keeps every tensor bit for bit; unknown
// extensions and missing files are one-line errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import '../../ts/node.js';
import type { Tensor } from '../../ts/runtime/tensor.js';
import { manualSeed } from '../../ts/runtime/random.js';
import { saveCheckpoint, readCheckpoint, readSafetensors } from '../../ts/zoo/checkpoint/index.js';
import { createDemoModel } from '../../ts/demo/spec.js';
import { cli, tmp, isOneLineError } from './helpers.js';

const dir = tmp('convert');
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('pyth -> safetensors -> pyth round trip is exact', async () => {
  manualSeed(3);
  const net = createDemoModel();
  const src = join(dir, 'a.pyth'), st = join(dir, 'b.safetensors'), back = join(dir, 'c.pth');
  await saveCheckpoint(net, src);
  const raw = net.stateDict() as Map<string, Tensor> | Record<string, Tensor>;
  const sd = raw instanceof Map ? raw : new Map(Object.entries(raw));
  let r = cli(['convert', src, st]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${sd.size} tensors`));
  r = cli(['convert', st, back]);
  assert.is(r.status, 0, r.stderr);
  for (const got of [await readSafetensors(st), await readCheckpoint(back)]) {
    assert.equal([...got.keys()].sort(), [...sd.keys()].sort());
    for (const [k, t] of sd) {
      const g = got.get(k)!;
      assert.equal(g.shape, t.shape, k);
      assert.is(g.dtype, t.dtype, k);
      assert.ok(Buffer.from(g.toArray().buffer).equals(Buffer.from(t.toArray().buffer)), `${k} differs`);
      g.dispose();
    }
  }
  net.dispose();
});

test('bad input: unknown extension, missing file, missing argument', () => {
  let r = cli(['convert', join(dir, 'a.pyth'), join(dir, 'x.onnx')]);
  assert.is(r.status, 1);
  assert.ok(isOneLineError(r), r.stderr);
  assert.match(r.stderr, /cannot tell the format of .*x\.onnx/);
  r = cli(['convert', join(dir, 'missing.pyth'), join(dir, 'x.safetensors')]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /cannot read checkpoint .*missing\.pyth: no such file/);
  r = cli(['convert', join(dir, 'a.pyth')]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /give an input and an output file/);
  // a file that is not a checkpoint at all
  r = cli(['convert', join(dir, 'b.safetensors'), join(dir, 'd.pyth')]);
  assert.is(r.status, 0, r.stderr);
});

test.run();
