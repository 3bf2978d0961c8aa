// The small 3D CNN every host runs: deterministic weights and input (a tiny LCG, so the fixture
// needs no runtime state), as a plan (PlanBuilder) and as the same layers through the ops.
// Shared by the WASI, browser and plan tests so all of them compare the very same bytes.
import { PlanBuilder } from '../../ts/runtime/hosts/plan_builder.js';
import { encodePlan, type Plan } from '../../ts/runtime/hosts/plan.js';

export const INPUT_SHAPE = [2, 3, 5, 9, 9] as const; // batch 2, odd sizes
export const CLASSES = 5;

/** Uniform values in [-scale, scale) from a fixed seed. */
export function lcg(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) / 16777216 * 2 - 1) * scale;
  }
  return out;
}

export function cnnInput(seed = 7): Float32Array {
  return lcg(INPUT_SHAPE.reduce((a, b) => a * b, 1), seed);
}

/** One layer of the fixture, in a form both the plan builder and the ops path read. */
export type Layer =
  | { kind: 'conv3d'; w: Float32Array; shape: [number, number, number, number, number]; b: Float32Array | null;
    stride?: number | [number, number, number]; padding?: number | [number, number, number]; groups?: number }
  | { kind: 'relu' }
  | { kind: 'bn'; mean: Float32Array; var: Float32Array; w: Float32Array; b: Float32Array; eps: number }
  | { kind: 'maxpool'; kernelSize: [number, number, number]; stride: [number, number, number]; padding?: [number, number, number] }
  | { kind: 'adaptiveavg'; size: number }
  | { kind: 'linear'; w: Float32Array; b: Float32Array; out: number };

/** Positive values in [lo, lo + span). */
const positive = (n: number, seed: number, lo: number, span: number) => lcg(n, seed, 0.5).map((v) => lo + (v + 0.5) * span);

export function cnnLayers(): Layer[] {
  return [
    // general (vol2col + GEMM), stride 2 in space
    { kind: 'conv3d', w: lcg(8 * 3 * 27, 11, 0.3), shape: [8, 3, 3, 3, 3], b: lcg(8, 12, 0.1), stride: [1, 2, 2], padding: 1 },
    // batch norm in eval mode (running statistics)
    { kind: 'bn', mean: lcg(8, 31, 0.2), var: positive(8, 32, 0.5, 1), w: positive(8, 33, 0.8, 0.4), b: lcg(8, 34, 0.1), eps: 1e-5 },
    { kind: 'relu' },
    // max pool 1x3x3 / stride 1x2x2, padding 1 in space: [2, 8, 5, 5, 5] -> [2, 8, 5, 3, 3]
    { kind: 'maxpool', kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] },
    // depthwise (direct channels-last kernel)
    { kind: 'conv3d', w: lcg(8 * 27, 21, 0.3), shape: [8, 1, 3, 3, 3], b: lcg(8, 22, 0.1), padding: 1, groups: 8 },
    // temporal (kt shifted GEMMs)
    // depthwise with a channel multiplier of 2 (the input expanded to 16 channels, then the direct kernel)
    { kind: 'conv3d', w: lcg(16 * 9, 23, 0.3), shape: [16, 1, 1, 3, 3], b: lcg(16, 24, 0.1), padding: [0, 1, 1], groups: 8 },
    { kind: 'conv3d', w: lcg(16 * 16 * 3, 13, 0.3), shape: [16, 16, 3, 1, 1], b: lcg(16, 14, 0.1), padding: [1, 0, 0] },
    { kind: 'relu' },
    // pointwise (one GEMM), no bias
    { kind: 'conv3d', w: lcg(12 * 16, 15, 0.3), shape: [12, 16, 1, 1, 1], b: null },
    { kind: 'relu' },
    { kind: 'adaptiveavg', size: 1 },
    { kind: 'linear', w: lcg(CLASSES * 12, 41, 0.4), b: lcg(CLASSES, 42, 0.1), out: CLASSES },
  ];
}

export function cnnPlan(): Plan {
  const b = new PlanBuilder(INPUT_SHAPE);
  for (const l of cnnLayers()) {
    if (l.kind === 'conv3d') b.conv3d(l.w, l.shape, l.b, { stride: l.stride, padding: l.padding, groups: l.groups });
    else if (l.kind === 'relu') b.relu();
    else if (l.kind === 'bn') b.batchNorm3d(l.mean, l.var, l.w, l.b, l.eps);
    else if (l.kind === 'maxpool') b.maxPool3d({ kernelSize: l.kernelSize, stride: l.stride, padding: l.padding });
    else if (l.kind === 'adaptiveavg') b.adaptiveAvgPool3d(l.size);
    else b.linear(l.w, l.b, l.out);
  }
  return b.build();
}

export function cnnPlanBytes(): Uint8Array { return encodePlan(cnnPlan()); }
