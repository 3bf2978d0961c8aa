// A clip transform for the loader tests, importable by loader workers (transformModule): crops
// 16x16 at a random offset and subsamples 4 frames, drawing from vidwasm's generator so equal
// batches mean equal per-clip seeds.
import { Tensor } from '../../ts/runtime/tensor.js';
import { random } from '../../ts/runtime/random.js';

type ClipDict = Record<string, any>;

export function transform(c: ClipDict): ClipDict {
  const v = c.video as Tensor;
  const [C, T, H, W] = v.shape;
  const y = random.int(H - 16 + 1), x = random.int(W - 16 + 1);
  const src = v.toArray();
  const out = new Uint8Array(C * 4 * 16 * 16);
  let o = 0;
  for (let ch = 0; ch < C; ch++) for (let t = 0; t < 4; t++) {
    const tt = Math.floor(t * (T - 1) / 3);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) out[o++] = src[((ch * T + tt) * H + y + i) * W + x + j];
  }
  v.dispose();
  return { ...c, video: Tensor.from(out, [C, 4, 16, 16]), offset: [y, x] };
}
