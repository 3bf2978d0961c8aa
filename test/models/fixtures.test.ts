// The real PyTorchVideo fixtures (../shared/fixtures): build the same architecture, load the
// .pyth checkpoint strictly, and reproduce PyTorch's eval-mode logits and block outputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { Tensor, models, zoo, noGrad, tidy } from '../../ts/node.js';
import { assertClose } from '../helpers/assert.js';

const root = new URL('../../../shared/fixtures/', import.meta.url).pathname;

function bin(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function relMaxErr(a: ArrayLike<number>, e: ArrayLike<number>): number {
  let worst = 0, scale = 0;
  for (let i = 0; i < e.length; i++) { worst = Math.max(worst, Math.abs(a[i] - e[i])); scale = Math.max(scale, Math.abs(e[i])); }
  return worst / scale;
}

const cases: { dir: string; build: () => any }[] = [
  {
    // The fixture's logits are taken without the head's softmax (see shared/fixtures/README.md).
    dir: 'x3d_xs',
    build: () => models.createX3d({ inputClipLength: 4, inputCropSize: 160, modelNumClass: 400, headActivation: null }),
  },
  {
    dir: 'slow_r50_w16_small',
    build: () => models.createResnet({ modelDepth: 50, modelNumClass: 10, stemDimOut: 16, stemConvKernelSize: [1, 7, 7], headPoolKernelSize: [4, 2, 2] }),
  },
];

for (const c of cases) {
  const dir = `${root}${c.dir}/`;
  if (!existsSync(dir)) {
    console.log(`SKIPPED: ${dir} not found`);
    test.skip(`${c.dir}: shared fixture absent`, () => {});
    continue;
  }
  test(`${c.dir}: checkpoint loads strictly and logits match PyTorch`, async () => {
    const meta = JSON.parse(readFileSync(`${dir}meta.json`, 'utf8'));
    const net = c.build();
    const sd = await zoo.readCheckpoint(`${dir}model.pyth`);
    net.loadStateDict(sd);
    for (const t of sd.values()) t.dispose();
    net.eval();
    noGrad(() => tidy(() => {
      const inputs = meta.inputs.map((i: any) => Tensor.from(bin(`${dir}${i.file}`), i.shape));
      let x: any = inputs.length === 1 ? inputs[0] : inputs;
      // Block by block, so a divergence names the block.
      for (const [k, block] of [...net.blocks].entries()) {
        x = block.forward(x);
        const inter = meta.intermediates?.find((m: any) => m.block === k);
        if (inter) {
          const xs = Array.isArray(x) ? x : [x];
          const err = relMaxErr(xs[0].toArray(), bin(`${dir}inter/${inter.file}`));
          assert.ok(err < 1e-4, `${c.dir}: block ${k} (${inter.module}) differs from PyTorch: max error ${err.toExponential(2)} of max |value|`);
        }
      }
      assertClose(x, bin(`${dir}output.bin`), { rtol: 1e-4, atol: 1e-4 }, `${c.dir} logits`);
    }));
    net.dispose();
  });
}

test.run();
