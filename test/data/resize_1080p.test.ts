// Bilinear short-side scaling of a full-HD frame against PyTorch (test/golden/gen_resize_1080p.py):
// 1080x1920 -> 256x455, where the source coordinate (up to ~1919.5) needs more than float
// precision; PyTorch computes it and the weights in its accumulate type (double) and rounds once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tidy } from '../../ts/node.js';
import * as T from '../../ts/data/transforms/index.js';
import { loadGolden } from '../helpers/golden.js';
import { eachBackend } from '../helpers/assert.js';

const [c] = loadGolden('resize_1080p');
const { height: H, width: W, size } = c.params;

/** The generator's frame_value, u8 [3, 1, H, W]. */
function frame(): Tensor {
  const v = new Uint8Array(3 * H * W);
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) v[(ch * H + y) * W + x] = (x * x * 7 + y * 131 + ch * 57 + ((x * y) % 97)) % 256;
    }
  }
  return Tensor.from(v, [3, 1, H, W], { dtype: 'u8' });
}

test('shortSideScale 1080p -> 256 matches PyTorch (sampled values, checksums), SIMD and scalar', () => {
  const x = frame();
  eachBackend((b) => tidy(() => {
    const y = T.functional.shortSideScale(x, size);
    assert.equal([...y.shape], c.params.shape);
    const v = y.toArray() as Float32Array;
    const want = c.outputs.samples.data;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(v[(i * 7919) % v.length] - want[i]));
    let sum = 0, sq = 0;
    for (const e of v) { sum += e; sq += e * e; }
    console.log(`  [${b}] max |vidwasm - PyTorch| over ${want.length} samples: ${worst.toExponential(2)} (values 0..255); sum rel. error ${Math.abs(sum / c.params.sum - 1).toExponential(2)}`);
    assert.ok(worst <= 1e-4, `[${b}] max error ${worst} > 1e-4`);
    assert.ok(Math.abs(sum / c.params.sum - 1) < 1e-7 && Math.abs(sq / c.params.sumSquares - 1) < 1e-7, `[${b}] checksums ${sum} ${sq}`);
  }));
  x.dispose();
});

test.run();
