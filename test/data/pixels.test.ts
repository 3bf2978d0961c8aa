// The AssemblyScript pixel kernels (pixels.wasm): SIMD against the scalar twins on awkward sizes
// (odd widths hit the vector tails), YUV420p -> RGB against the BT.601 formula, the module
// sharing the C module's memory, and flat memory over many transformed clips.
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tidy, manualSeed, memoryStats, memoryBytes } from '../../ts/node.js';
import * as T from '../../ts/data/transforms/index.js';
import { pixelKernel, pixelKernelNames } from '../../ts/data/pixels.js';
import { assertClose, simdVsScalar } from '../helpers/assert.js';

const F = T.functional;
const u8Video = (shape: number[], seed: number) => {
  manualSeed(seed);
  const t = Tensor.rand(shape, 0, 256);
  const out = Tensor.from(Uint8Array.from(t.toArray(), Math.floor), shape, { dtype: 'u8' });
  t.dispose();
  return out;
};
const f32Video = (shape: number[], seed: number) => { manualSeed(seed); return Tensor.rand(shape, -2, 300); };
const same = (name: string, fn: () => Tensor) => {
  const { simd, scalar } = simdVsScalar(fn);
  assertClose(simd, scalar, { rtol: 0, atol: 0 }, `${name}: SIMD vs scalar`);
};

test('every kernel has a scalar twin, and the module imports the C memory', () => {
  const names = pixelKernelNames();
  const simd = names.filter((n) => !n.endsWith('_scalar'));
  assert.ok(simd.length >= 10, names.join());
  for (const n of simd) assert.ok(names.includes(`${n}_scalar`), `${n} has no scalar twin`);
});

const shapes = [[3, 2, 13, 37], [1, 3, 9, 5], [2, 1, 31, 64], [3, 1, 1, 1]];
test('resize bilinear/nearest, u8 and f32: SIMD == scalar bit for bit', () => {
  for (const s of shapes) {
    for (const [oh, ow] of [[7, 19], [20, 41], [1, 3], [s[2], s[3]]]) {
      for (const mode of ['bilinear', 'nearest'] as const) {
        same(`${mode} u8 ${s}->${oh}x${ow}`, () => F.resizeVideo(u8Video(s, 1), oh, ow, mode));
        same(`${mode} f32 ${s}->${oh}x${ow}`, () => F.resizeVideo(f32Video(s, 2), oh, ow, mode));
      }
    }
  }
});
test('crop, flip, u8->f32, normalise, fused u8 normalise: SIMD == scalar', () => {
  for (const s of shapes) {
    for (const mk of [u8Video, f32Video]) {
      same(`crop ${s}`, () => F.crop(mk(s, 3), 0, Math.floor(s[3] / 3), s[2], s[3] - Math.floor(s[3] / 3)));
      same(`flip ${s}`, () => F.horizontalFlip(mk(s, 4)));
    }
    same(`u8->f32 ${s}`, () => F.convertUint8ToFloat(u8Video(s, 5)));
    same(`normalise ${s}`, () => F.normalize(f32Video(s, 6), [0.1, 0.2, 0.3].slice(0, s[0]), [0.5, 0.7, 0.9].slice(0, s[0])));
    same(`u8 normalise ${s}`, () => F.uint8Normalize(u8Video(s, 7), [0.45], [0.225]));
  }
});
test('flip of a flip is the identity (u8 and f32, widths around the vector sizes)', () => tidy(() => {
  for (const w of [1, 3, 4, 5, 15, 16, 17, 33]) {
    for (const v of [u8Video([2, 2, 3, w], w), f32Video([2, 2, 3, w], w)]) {
      const back = F.horizontalFlip(F.horizontalFlip(v));
      assertClose(back, v, { rtol: 0, atol: 0 }, `w=${w} ${v.dtype}`);
    }
  }
}));

function yuvReference(Y: Uint8Array, U: Uint8Array, V: Uint8Array, h: number, w: number): Uint8Array {
  const out = new Uint8Array(3 * h * w), cw = (w + 1) >> 1;
  const clamp = (v: number) => Math.min(255, Math.max(0, v));
  for (let r = 0; r < h; r++) {
    for (let x = 0; x < w; x++) {
      const c = 298 * (Y[r * w + x] - 16), d = U[(r >> 1) * cw + (x >> 1)] - 128, e = V[(r >> 1) * cw + (x >> 1)] - 128;
      out[r * w + x] = clamp((c + 409 * e + 128) >> 8);
      out[h * w + r * w + x] = clamp((c - 100 * d - 208 * e + 128) >> 8);
      out[2 * h * w + r * w + x] = clamp((c + 516 * d + 128) >> 8);
    }
  }
  return out;
}
test('yuv420p -> RGB (BT.601 limited): SIMD and scalar equal the formula, written into [3, T, H, W]', () => tidy(() => {
  for (const [h, w] of [[6, 40], [5, 17], [2, 2], [9, 33]]) {
    const cw = (w + 1) >> 1, ch = (h + 1) >> 1;
    const yuv = u8Video([1, 1, 1, h * w + 2 * ch * cw], h * w);
    const bytes = yuv.toArray() as Uint8Array;
    const Y = bytes.subarray(0, h * w), U = bytes.subarray(h * w, h * w + ch * cw), V = bytes.subarray(h * w + ch * cw);
    const expect = yuvReference(Y, U, V, h, w);
    const { simd, scalar } = simdVsScalar(() => {
      const rgb = Tensor.zeros([3, 2, h, w], { dtype: 'u8' });
      // frame 1 of a 2-frame clip: planes T*H*W apart
      pixelKernel('yuv420p_to_rgb')(yuv.ptr, yuv.ptr + h * w, yuv.ptr + h * w + ch * cw, w, cw, rgb.ptr + h * w, h, w, 2 * h * w);
      return F.selectFrames(rgb, [1]);
    });
    assertClose(simd, expect, { rtol: 0, atol: 0 }, `${h}x${w} simd`);
    assertClose(scalar, expect, { rtol: 0, atol: 0 }, `${h}x${w} scalar`);
  }
}));

test("yuv420p -> RGB is within 3 levels of native ffmpeg's default conversion (mean < 1)", () => tidy(() => {
  // ffmpeg's C path quantises the chroma terms through lookup tables; same matrix, same range
  const w = 64, h = 48, cw = w / 2, ch = h / 2;
  const yuv = new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=1`,
    '-frames:v', '1', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 20 }));
  const rgb24 = new Uint8Array(execFileSync('ffmpeg', ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${w}x${h}`, '-i', '-',
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'], { input: yuv, maxBuffer: 1 << 20 }));
  const src = Tensor.from(yuv, [yuv.length], { dtype: 'u8' });
  const out = Tensor.zeros([3, 1, h, w], { dtype: 'u8' });
  pixelKernel('yuv420p_to_rgb')(src.ptr, src.ptr + w * h, src.ptr + w * h + cw * ch, w, cw, out.ptr, h, w, h * w);
  const ours = out.toArray();
  let max = 0, sum = 0;
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(ours[c * w * h + i] - rgb24[i * 3 + c]);
      max = Math.max(max, d); sum += d;
    }
  }
  assert.ok(max <= 3, `max difference ${max}`);
  assert.ok(sum / (3 * w * h) < 1, `mean difference ${sum / (3 * w * h)}`);
}));

test('memory stays flat over 200 clips through the Kinetics train and val chains', () => {
  const train = T.createVideoTransform('train', { videoKey: 'video', removeKey: ['audio'], numSamples: 8, minSize: 40, maxSize: 50, cropSize: 32 });
  const val = T.createVideoTransform('val', { videoKey: 'video', numSamples: 8, minSize: 40, cropSize: 32 });
  const source = u8Video([3, 12, 45, 60], 1);
  const run = (k: number) => {
    const video = F.crop(source, 0, 0, 45, 60);  // a fresh clip each time (the chains consume it)
    const clip = (k % 2 ? train : val)({ video, audio: Tensor.zeros([800]), label: k % 5, aug_index: 0 });
    assert.equal([...clip.video.shape], [3, 8, 32, 32]);
    if (k % 2) assert.not.ok('audio' in clip, 'train chain removed audio');
    clip.video.dispose();
    clip.audio?.dispose();  // the val chain keeps it: the caller owns what is left in the dict
  };
  for (let k = 0; k < 10; k++) run(k);  // warm-up: scratch and allocator pools reach their size
  const before = memoryStats(), heap = memoryBytes();
  for (let k = 0; k < 200; k++) run(k);
  const after = memoryStats();
  assert.is(after.liveTensors, before.liveTensors, 'live tensors');
  assert.is(after.liveBytes, before.liveBytes, 'live bytes');
  assert.is(memoryBytes(), heap, 'wasm memory did not grow');
  source.dispose();
});

test('pixel kernels see memory growth of the C module (no stale buffer)', () => tidy(() => {
  const v = u8Video([3, 2, 8, 8], 9);
  const big = Tensor.empty([64 * 1024 * 1024 / 4]);  // forces the shared memory to grow
  const y = F.convertUint8ToFloat(v);
  assertClose(y, Float32Array.from(v.toArray(), (q) => q / 255), { rtol: 0, atol: 0 }, 'after growth');
  big.dispose();
}));

test.run();
