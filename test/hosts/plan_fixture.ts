// The plan every host runs: an efficient X3D-XS (10 classes, seeded weights) in deploy form,
// compiled by acc.compile for one 4x64x64 clip, and its input. Deterministic (a tiny LCG for the
// input, manualSeed for the weights), so Node, the browsers and the WASI command compare the
// very same bytes. Shared by the plan, WASI and browser tests.
import { Tensor, manualSeed, accelerator as acc } from '../../ts/index.js';

export const INPUT_SHAPE = [1, 3, 4, 64, 64] as const;
export const CLASSES = 10;

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

export function planInput(seed = 7): Float32Array {
  return lcg(INPUT_SHAPE.reduce((a: number, b: number) => a * b, 1), seed);
}

/** The efficient X3D-XS in deploy form for INPUT_SHAPE (the caller disposes it). */
export function deployX3d(): acc.EfficientX3d {
  manualSeed(11);
  const model = acc.createEfficientX3d({ numClasses: CLASSES, expansion: 'XS' });
  model.eval();
  const x = Tensor.from(planInput(), [...INPUT_SHAPE]);
  try {
    const deploy = acc.convertToDeployableForm(model, x);
    return deploy;
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** compile() of deployX3d() on planInput(). */
export async function x3dPlan(): Promise<acc.Plan> {
  const model = deployX3d();
  const x = Tensor.from(planInput(), [...INPUT_SHAPE]);
  try {
    return await acc.compile(model, x);
  } finally {
    x.dispose();
    model.dispose();
  }
}
