// Sampling and data-movement kernels: trilinear interpolate (forward, backward) and RoIAlign
// (forward, backward) in GFLOP/s, and cat/pad (GB/s reported as "GFLOP/s" of bytes/1e9: one
// "op" per byte moved), each SIMD next to its scalar twin (picked up by `bench/run.ts kernels`).
// Shapes: SlowFast/X3D-sized feature maps; one op call per timed run, through the TS op.
import { Tensor, ops, tidy, gradRules } from '../ts/node.js';
import type { BenchCase } from './kernels.js';

function opCase(name: string, shape: string, flops: number, make: () => { run: () => void; dispose: () => void }): BenchCase {
  return { name, shape, flops, setup: make };
}

const interpX = [1, 64, 8, 28, 28];
const interpOut = 64 * 16 * 56 * 56;
const roiBoxes = () => {
  const b: number[] = [];
  for (let k = 0; k < 32; k++) { const x1 = (k * 3) % 10, y1 = (k * 5) % 9; b.push(k % 2, x1, y1, x1 + 4 + (k % 5), y1 + 5 + (k % 4)); }
  return Tensor.from(new Float32Array(b), [32, 5]);
};
const roiFlops = 32 * 49 * 4 * 8 * 256; // boxes x bins x samples x (4 mul + 4 add) x C

export const cases: BenchCase[] = [
  opCase('interpolate trilinear x2 fwd (channels_last)', interpX.join('x'), 16 * interpOut, () => {
    const x = Tensor.randn(interpX, { layout: 'channels_last' });
    return { run: () => tidy(() => { ops.interpolate(x, { mode: 'trilinear', scaleFactor: 2 }); }), dispose: () => x.dispose() };
  }),
  opCase('interpolate trilinear x2 fwd (contiguous)', interpX.join('x'), 16 * interpOut, () => {
    const x = Tensor.randn(interpX);
    return { run: () => tidy(() => { ops.interpolate(x, { mode: 'trilinear', scaleFactor: 2 }); }), dispose: () => x.dispose() };
  }),
  opCase('interpolate trilinear x2 bwd (channels_last)', interpX.join('x'), 16 * interpOut, () => {
    const x = Tensor.randn(interpX, { layout: 'channels_last', requiresGrad: true });
    const y = ops.interpolate(x, { mode: 'trilinear', scaleFactor: 2 });
    const gy = Tensor.randn(y.shape, { layout: 'channels_last' });
    return {
      run: () => tidy(() => { gradRules.interpolate(gy, y.gradFn!, y); }),
      dispose: () => { y.dispose(); gy.dispose(); x.dispose(); },
    };
  }),
  opCase('roiAlign 7x7 sr=2 fwd (channels_last)', '2x256x16x16 K=32', roiFlops, () => {
    const x = Tensor.randn([2, 256, 16, 16], { layout: 'channels_last' }), b = roiBoxes();
    return { run: () => tidy(() => { ops.roiAlign(x, b, { outputSize: 7, samplingRatio: 2, aligned: true }); }), dispose: () => { x.dispose(); b.dispose(); } };
  }),
  opCase('roiAlign 7x7 sr=2 bwd (channels_last)', '2x256x16x16 K=32', roiFlops * 1.5, () => {
    const x = Tensor.randn([2, 256, 16, 16], { layout: 'channels_last', requiresGrad: true }), b = roiBoxes();
    const y = ops.roiAlign(x, b, { outputSize: 7, samplingRatio: 2, aligned: true });
    const gy = Tensor.randn(y.shape, { layout: 'channels_last' });
    return {
      run: () => tidy(() => { gradRules.roiAlign(gy, y.gradFn!, y); }),
      dispose: () => { y.dispose(); gy.dispose(); x.dispose(); b.dispose(); },
    };
  }),
  opCase('cat along C, SlowFast fusion (channels_last; "GFLOP/s" = GB/s)', '2x(256+64)x8x14x14', 2 * 2 * 320 * 8 * 14 * 14 * 4, () => {
    const a = Tensor.randn([2, 256, 8, 14, 14], { layout: 'channels_last' }), b = Tensor.randn([2, 64, 8, 14, 14], { layout: 'channels_last' });
    return { run: () => tidy(() => { ops.cat([a, b], 1); }), dispose: () => { a.dispose(); b.dispose(); } };
  }),
];
