// data.computeFlow against OpenCV's calcOpticalFlowFarneback (Debian's python3-opencv 4.6,
// test/golden/gen_flow.py) on integer-synthesised frames that test/data/flow_frames.ts rebuilds
// byte for byte: the defaults with a two-level pyramid, the Gaussian window with polyN 7, odd sizes
// with pyrScale 0.6 and an even window, a window larger than the frame, winsize 1 with polySigma 0.
//
// Tolerance: 2e-5 px absolute. The algorithm, borders, pyramid sizes and resize rules are OpenCV's;
// what differs is floating-point order (our SIMD sums, float vs double in a few accumulations,
// OpenCV's own SIMD/FMA paths), which the 1-3 solve-and-resample iterations per level amplify
// where the 2x2 systems are poorly conditioned (measured max 5.5e-6 px). winsize 1 solves each
// pixel's system alone, with no averaging to condition it: 1e-3 px there (measured 2.2e-4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, data, memoryStats, setBackend, ops } from '../../ts/node.js';
import { golden, frames, decodeF32, epe, type FrameSpec } from './flow_frames.js';

const clip = (s: FrameSpec) => Tensor.from(frames(s), [s.channels, s.frames, s.h, s.w], { dtype: 'u8' });

test('Farnebäck flow equals OpenCV calcOpticalFlowFarneback within 2e-5 px', () => {
  for (const c of golden.cases) {
    const s = c.spec, x = clip(s);
    const f = data.computeFlow(x, c.params);
    assert.equal(f.shape, [2, s.frames - 1, s.h, s.w]);
    const ours = f.toArray() as Float32Array, ref = decodeF32(c.flow);
    const [, P, gh, gw] = c.shape;
    const tol = c.params.winsize === 1 ? 1e-3 : 2e-5;
    let worst = 0;
    for (let ch = 0; ch < 2; ch++) for (let p = 0; p < P; p++) for (let y = 0; y < gh; y++) for (let xx = 0; xx < gw; xx++) {
      const o = ours[((ch * P + p) * s.h + y * c.stride) * s.w + xx * c.stride], e = ref[((ch * P + p) * gh + y) * gw + xx];
      worst = Math.max(worst, Math.abs(o - e));
    }
    assert.ok(worst <= tol, `${c.name}: max |ours - OpenCV| ${worst} > ${tol}`);
    f.dispose(); x.dispose();
  }
});

test('SIMD kernel equals its scalar twin bit for bit (defaults, Gaussian window, polyN 7)', () => {
  for (const c of golden.cases.slice(0, 3)) {
    const x = clip(c.spec);
    const simd = data.computeFlow(x, c.params);
    setBackend('scalar');
    let scalar: Tensor;
    try { scalar = data.computeFlow(x, c.params); } finally { setBackend('simd'); }
    assert.equal(Array.from(simd.toArray()), Array.from(scalar.toArray()), c.name);
    simd.dispose(); scalar.dispose(); x.dispose();
  }
});

test('known motion (translation, 3° rotation, x1.05 zoom): average endpoint error equals OpenCV\'s', () => {
  const rows: string[] = [];
  for (const c of golden.synthetic) {
    const x = clip(c.spec);
    const f = data.computeFlow(x, golden.params);
    const e = epe(f.toArray() as Float32Array, c.spec, golden.border);
    rows.push(`${c.name}: ${e.toFixed(5)} (OpenCV ${c.opencv_epe.toFixed(5)})`);
    assert.ok(Math.abs(e - c.opencv_epe) <= 1e-4, `${c.name}: EPE ${e} vs OpenCV ${c.opencv_epe}`);
    assert.ok(e < 0.15, `${c.name}: EPE ${e}`);
    f.dispose(); x.dispose();
  }
  console.log(`  EPE px (160x120, ${golden.border}-px border excluded): ${rows.join('; ')}`);
});

test('one frame pair or many: each pair is the flow of those two frames alone; luma input [1, T, H, W]', () => {
  const c = golden.cases[0], s = c.spec, x = clip(s);
  const all = data.computeFlow(x, c.params);
  const pair = ops.slice(x, 1, 1, 3);
  const one = data.computeFlow(pair, c.params);
  const a = all.toArray() as Float32Array, b = one.toArray() as Float32Array, hw = s.h * s.w;
  for (let ch = 0; ch < 2; ch++) assert.equal(Array.from(a.subarray((ch * 2 + 1) * hw, (ch * 2 + 2) * hw)), Array.from(b.subarray(ch * hw, (ch + 1) * hw)));
  const g = golden.cases.find((k) => k.spec.channels === 1)!;
  const gx = clip(g.spec), gf = data.computeFlow(gx, g.params);
  assert.equal(gf.shape, [2, 1, g.spec.h, g.spec.w]);
  for (const t of [all, pair, one, x, gx, gf]) t.dispose();
});

test('bad input: typed errors naming the problem, nothing left allocated', () => {
  const live = memoryStats().liveTensors;
  const v = Tensor.zeros([3, 2, 8, 8], { dtype: 'u8' });
  const huge = Tensor.empty([1, 2, 4097, 4096], 'u8'), f32 = Tensor.zeros([3, 2, 8, 8]), twoCh = Tensor.zeros([2, 2, 8, 8], { dtype: 'u8' }), oneFrame = Tensor.zeros([3, 1, 8, 8], { dtype: 'u8' });
  const bad: [() => unknown, RegExp][] = [
    [() => data.computeFlow(f32, {}), /u8/],
    [() => data.computeFlow(twoCh, {}), /\[3, T, H, W\]/],
    [() => data.computeFlow(oneFrame, {}), /at least 2 frames/],
    [() => data.computeFlow(huge, {}), /1 to 16777216 pixels/],
    [() => data.computeFlow(v, { polyN: 6 as 5 }), /polyN/],
    [() => data.computeFlow(v, { pyrScale: 1 }), /pyrScale/],
    [() => data.computeFlow(v, { winsize: 0 }), /winsize/],
    [() => data.computeFlow(v, { levels: 1.5 }), /levels/],
    [() => data.computeFlow(v, { polySigma: NaN }), /polySigma/],
    [() => data.computeFlow(v, { flags: data.OPTFLOW_USE_INITIAL_FLOW }), /USE_INITIAL_FLOW/],
    [() => data.computeFlow(v, { flags: 3 }), /flags/],
    [() => data.computeFlow(v, { method: 'dis' as 'farneback' }), /not supported/],
  ];
  for (const [fn, re] of bad) assert.throws(fn, (e: Error) => re.test(e.message) && e.name !== 'Error');
  // tiny frames are fine (one level, the window larger than the frame)
  const tiny = Tensor.zeros([3, 2, 1, 3], { dtype: 'u8' }), f = data.computeFlow(tiny);
  assert.equal(Array.from(f.toArray()), new Array(6).fill(0));
  for (const t of [f, tiny, v, huge, f32, twoCh, oneFrame]) t.dispose();
  assert.is(memoryStats().liveTensors, live);
});

test.run();
