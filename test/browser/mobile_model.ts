// The classification of the mobile constraints test, shared by the page and Node so that both run
// the same code: a seeded X3D-XS (PyTorchVideo's create_x3d defaults, 400 classes) on a 4×96×96 clip.
import type * as VW from '../../ts/index.js';

export const CLIP = [1, 3, 4, 96, 96];

export function createModel(vw: typeof VW) {
  vw.manualSeed(3);
  const model = vw.models.createX3d({ inputClipLength: CLIP[2], inputCropSize: CLIP[3], modelNumClass: 400, headActivation: null });
  model.eval();
  return model;
}

export function classify(vw: typeof VW, model: ReturnType<typeof createModel>): number[] {
  vw.manualSeed(5);
  return vw.noGrad(() => vw.tidy(() => Array.from(model.forward(vw.Tensor.randn(CLIP)).toArray() as Float32Array)));
}
