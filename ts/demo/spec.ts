// The demo's facts, written once: the task's classes, the clip geometry and normalisation, and
// the network. The synthetic data (synth.ts), the Node demo (node_demo.ts), the browser page
// (page.ts) and the CLI's `--model demo` (ts/cli/model.ts) all read them from here.
import { createX3d, type X3dOptions } from '../models/x3d.js';

/** The classes: the direction the shape moves. */
export const DIRECTIONS = ['right', 'left', 'up', 'down'] as const;
export const DEMO_CLASSES: readonly string[] = DIRECTIONS;

/** 8 frames of 32x32 at 8 fps (one second), normalised with the Kinetics mean/std. */
export const DEMO_CLIP = { frames: 8, size: 32, fps: 8, mean: [0.45, 0.45, 0.45], std: [0.225, 0.225, 0.225] } as const;

/**
 * The network: X3D with narrow stages (8/16/24/48 channels), 1-3 blocks per stage, logits out.
 * The stem keeps full resolution (stride 1; X3D's default is 2): with stride 2 the shape moves
 * less than a pixel per frame by stage 1, and the network finds the axis of the motion long
 * before its sign.
 */
export const DEMO_MODEL: Readonly<X3dOptions> = {
  inputClipLength: DEMO_CLIP.frames, inputCropSize: DEMO_CLIP.size, modelNumClass: DIRECTIONS.length, widthFactor: 0.5, depthFactor: 0.5,
  headDimOut: 64, dropoutRate: 0, headActivation: null, stemConvStride: [1, 1, 1],
};

/** The demo network (random init); `over` replaces options (experiments). */
export function createDemoModel(over: X3dOptions = {}) { return createX3d({ ...DEMO_MODEL, ...over }); }

/** The PyTorchVideo call that builds the same network, e.g. to load the demo's checkpoint in PyTorch. */
export function pytorchvideoCall(): string {
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const py = (v: unknown) => (v === null ? 'None' : Array.isArray(v) ? `(${v.join(', ')})` : String(v));
  return `create_x3d(${Object.entries(DEMO_MODEL).map(([k, v]) => `${snake(k)}=${py(v)}`).join(', ')})`;
}
