// conv3d benchmarks: GFLOP/s of the conv shapes of X3D-XS and Slow-R50 through ops.conv3d
// (forward) and its gradient rule (grad input + grad weight + grad bias), each under the SIMD
// kernels and the scalar twins (bench/run.ts times both). Batch 1, channels_last input.
// `npx tsx bench/run.ts kernels_conv [--quick] [--filter=X3D]`
//
// FLOPs: forward 2*M*Cout*K (M = output positions, K = Cin/groups * kt*kh*kw); backward counts
// both products (grad input and grad weight), 4*M*Cout*K. The forward includes packing the
// weights (done on every call). The 'pack only (conv-equiv.)' rows time the packing alone and
// divide the conv's FLOPs by it: packing's share of a forward = fwd figure / that figure. Slow-R50's stem
// is timed at 8x112x112 for both backends (the scalar twin at 224 takes seconds per call on this
// shared machine) and at the real 8x224x224 for SIMD only.
import { Tensor, ops, gradRules } from '../ts/node.js';
import { params, malloc, free } from '../ts/runtime/wasm.js';
import type { ConvOptions } from '../ts/runtime/ops/conv.js';
import type { BenchCase } from './kernels.js';
import * as vw from '../ts/runtime/kernels.gen.js';

interface ConvShape { name: string; x: number[]; w: number[]; opts: ConvOptions; scalar?: boolean }

const SHAPES: ConvShape[] = [
  { name: 'X3D-XS stem conv_xy 1x3x3 s(1,2,2) 3->24', x: [1, 3, 4, 160, 160], w: [24, 3, 1, 3, 3], opts: { stride: [1, 2, 2], padding: [0, 1, 1] } },
  { name: 'X3D-XS stem conv_t depthwise 5x1x1 24', x: [1, 24, 4, 80, 80], w: [24, 1, 5, 1, 1], opts: { padding: [2, 0, 0], groups: 24 } },
  { name: 'X3D-XS res2 1x1x1 expand 24->54', x: [1, 24, 4, 40, 40], w: [54, 24, 1, 1, 1], opts: {} },
  { name: 'X3D-XS res2 depthwise 3x3x3 54', x: [1, 54, 4, 40, 40], w: [54, 1, 3, 3, 3], opts: { padding: 1, groups: 54 } },
  { name: 'X3D-XS res2 1x1x1 project 54->24', x: [1, 54, 4, 40, 40], w: [24, 54, 1, 1, 1], opts: {} },
  { name: 'Slow-R50 stem 1x7x7 s(1,2,2) 3->64', x: [1, 3, 8, 112, 112], w: [64, 3, 1, 7, 7], opts: { stride: [1, 2, 2], padding: [0, 3, 3] } },
  { name: 'Slow-R50 stem 1x7x7 s(1,2,2) 3->64', x: [1, 3, 8, 224, 224], w: [64, 3, 1, 7, 7], opts: { stride: [1, 2, 2], padding: [0, 3, 3] }, scalar: false },
  { name: 'Slow-R50 res2 conv_a 3x1x1 64->64', x: [1, 64, 8, 56, 56], w: [64, 64, 3, 1, 1], opts: { padding: [1, 0, 0] } },
  { name: 'Slow-R50 res2 conv_b 1x3x3 64->64', x: [1, 64, 8, 56, 56], w: [64, 64, 1, 3, 3], opts: { padding: [0, 1, 1] } },
];

const prod = (a: number[]) => a.reduce((p, d) => p * d, 1);
const shapeOf = (s: ConvShape) => `${s.x.slice(1).join('x')} w${s.w.slice(2).join('x')}`;

function convFlops(s: ConvShape): number {
  const x = Tensor.zeros(s.x), w = Tensor.zeros(s.w);
  const y = ops.conv3d(x, w, null, s.opts);
  const m = y.size / s.w[0];
  for (const t of [x, w, y]) t.dispose();
  return 2 * m * s.w[0] * prod(s.w.slice(1));
}

function forwardCase(s: ConvShape, fl: number): BenchCase {
  return {
    name: `${s.name} fwd`, shape: shapeOf(s), flops: fl, scalar: s.scalar,
    setup() {
      const x = Tensor.randn(s.x, { layout: 'channels_last' }), w = Tensor.randn(s.w), b = Tensor.randn([s.w[0]]);
      return {
        run: () => { ops.conv3d(x, w, b, s.opts).dispose(); },
        dispose: () => { x.dispose(); w.dispose(); b.dispose(); },
      };
    },
  };
}

function backwardCase(s: ConvShape, fl: number): BenchCase {
  return {
    name: `${s.name} bwd`, shape: shapeOf(s), flops: 2 * fl, scalar: s.scalar,
    setup() {
      const x = Tensor.randn(s.x, { layout: 'channels_last', requiresGrad: true });
      const w = Tensor.randn(s.w, { requiresGrad: true }), b = Tensor.randn([s.w[0]], { requiresGrad: true });
      const y = ops.conv3d(x, w, b, s.opts);
      const gy = Tensor.randn(y.shape, { layout: 'channels_last' });
      return {
        // the gradient rule alone, as autograd calls it: grad x, grad w, grad b
        run: () => { for (const g of gradRules.conv3d(gy, y.gradFn!, y)) g?.dispose(); },
        dispose: () => { for (const t of [x, w, b, y, gy]) t.dispose(); },
      };
    },
  };
}

/** Packing the weights alone (flops = the forward's, so the figure reads as "conv-equivalent"). */
function packCase(s: ConvShape, fl: number): BenchCase {
  return {
    name: `${s.name} pack only (conv-equiv.)`, shape: shapeOf(s), flops: fl, scalar: false,
    setup() {
      const w = Tensor.randn(s.w), b = Tensor.randn([s.w[0]]);
      const [, cin, t, h, ww] = s.x, [cout, , kt, kh, kw] = s.w;
      const st = [s.opts.stride ?? 1].flat(), pd = [s.opts.padding ?? 0].flat() as number[];
      const tri = (v: number[]) => (v.length === 1 ? [v[0], v[0], v[0]] : v);
      const [sst, ssh, ssw] = tri(st as number[]), [ppt, pph, ppw] = tri(pd);
      const out = (n: number, k: number, str: number, p: number) => Math.floor((n + 2 * p - k) / str) + 1;
      const p = [1, cin, t, h, ww, cout, kt, kh, kw, sst, ssh, ssw, ppt, pph, ppw, 1, 1, 1, 1,
        out(t, kt, sst, ppt), out(h, kh, ssh, pph), out(ww, kw, ssw, ppw), 0 /* GENERAL packing: the largest */];
      const packed = malloc(vw.f32_conv3d_packed_floats(params(p)) * 4);
      const scratch = malloc(Math.max(1, vw.f32_conv3d_scratch_floats(params(p), 0)) * 4);
      return {
        run: () => { vw.f32_conv3d_pack(params(p), w.ptr, b.ptr, packed, scratch); },
        dispose: () => { free(packed); free(scratch); w.dispose(); b.dispose(); },
      };
    },
  };
}

export const cases: BenchCase[] = SHAPES.flatMap((s) => {
  const fl = convFlops(s);
  const rows = [forwardCase(s, fl), backwardCase(s, fl)];
  if (s.w[1] > 1 && s.scalar !== false) rows.push(packCase(s, fl));
  return rows;
});
