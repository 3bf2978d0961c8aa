// The small 3D CNN every host runs: deterministic weights and input (a tiny LCG, so the fixture
// needs no runtime state), as a plan (PlanBuilder) and as the same layers through the ops.
// Shared by the WASI, browser and plan tests so all of them compare the very same bytes.
import { PlanBuilder } from '../../ts/runtime/hosts/plan-builder.js';
import { encodePlan, type Plan } from '../../ts/runtime/hosts/plan.js';

export const INPUT_SHAPE = [2, 3, 5, 9, 9] as const; // batch 2, odd sizes

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
  | { kind: 'relu' };

export function cnnLayers(): Layer[] {
  return [
    // general (vol2col + GEMM), stride 2 in space
    { kind: 'conv3d', w: lcg(8 * 3 * 27, 11, 0.3), shape: [8, 3, 3, 3, 3], b: lcg(8, 12, 0.1), stride: [1, 2, 2], padding: 1 },
    { kind: 'relu' },
    // depthwise (direct channels-last kernel)
    { kind: 'conv3d', w: lcg(8 * 27, 21, 0.3), shape: [8, 1, 3, 3, 3], b: lcg(8, 22, 0.1), padding: 1, groups: 8 },
    // temporal (kt shifted GEMMs)
    { kind: 'conv3d', w: lcg(16 * 8 * 3, 13, 0.3), shape: [16, 8, 3, 1, 1], b: lcg(16, 14, 0.1), padding: [1, 0, 0] },
    { kind: 'relu' },
    // pointwise (one GEMM), no bias
    { kind: 'conv3d', w: lcg(12 * 16, 15, 0.3), shape: [12, 16, 1, 1, 1], b: null },
    { kind: 'relu' },
  ];
}

export function cnnPlan(): Plan {
  const b = new PlanBuilder(INPUT_SHAPE);
  for (const l of cnnLayers()) {
    if (l.kind === 'conv3d') b.conv3d(l.w, l.shape, l.b, { stride: l.stride, padding: l.padding, groups: l.groups });
    else b.relu();
  }
  return b.build();
}

export function cnnPlanBytes(): Uint8Array { return encodePlan(cnnPlan()); }
