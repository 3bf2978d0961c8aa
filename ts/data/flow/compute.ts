// data.computeFlow: dense optical flow between consecutive frames of a clip, computed by the C
// kernel native/kernels/flow_impl.h (Farnebäck's polynomial-expansion algorithm with the semantics
// and parameter names of OpenCV's calcOpticalFlowFarneback, on the frames' BT.601 luma as
// cv2.cvtColor(RGB2GRAY) computes it). The frame pairs share work: each frame's pyramid and
// polynomial expansions are computed once and used by both pairs it belongs to.
import { ArgumentError, DTypeError, ShapeError, UnsupportedError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../../runtime/tensor.js';
import { contiguous } from '../../runtime/ops/shape.js';
import * as vw from '../../runtime/kernels.gen.js';

/** OpenCV's OPTFLOW_FARNEBACK_GAUSSIAN: a Gaussian window (sigma 0.3 winsize/2) instead of a box. */
export const OPTFLOW_FARNEBACK_GAUSSIAN = vw.FlowFlag.farneback_gaussian;
/** OpenCV's OPTFLOW_USE_INITIAL_FLOW: not supported (computeFlow takes no initial flow). */
export const OPTFLOW_USE_INITIAL_FLOW = 4;

export interface FarnebackOptions {
  method?: 'farneback';
  /** Scale between pyramid levels, in (0, 1). Default 0.5 (OpenCV's documented typical call). */
  pyrScale?: number;
  /** Pyramid levels above the full-resolution one (levels under 32 px are dropped). Default 3. */
  levels?: number;
  /** Averaging window size. Default 15. */
  winsize?: number;
  /** Iterations per pyramid level. Default 3. */
  iterations?: number;
  /** Neighbourhood of the polynomial fit: 5 or 7. Default 5. */
  polyN?: 5 | 7;
  /** Sigma of the fit's Gaussian applicability (1.1 for polyN 5, 1.5 for 7 are OpenCV's advice). Default 1.2. */
  polySigma?: number;
  /** 0 or OPTFLOW_FARNEBACK_GAUSSIAN. Default 0. */
  flags?: number;
}
export type FlowOptions = FarnebackOptions;

// Frames up to 16 Mpx (4096 x 4096): the kernel's work-space plan (about 27 floats per pixel) then
// stays far from wasm32's size_t range, and the kernel refuses what would not fit its int32 size.
const MAX_PIXELS = 1 << 24;

function resolve(o: FlowOptions): { p: number[]; d: [number, number] } {
  const method = o.method ?? 'farneback';
  if (method !== 'farneback') throw new UnsupportedError(`computeFlow: method '${String(method)}' is not supported (only 'farneback')`);
  const pyrScale = o.pyrScale ?? 0.5, levels = o.levels ?? 3, winsize = o.winsize ?? 15;
  const iterations = o.iterations ?? 3, polyN = o.polyN ?? 5, polySigma = o.polySigma ?? 1.2, flags = o.flags ?? 0;
  const int = (k: string, v: number, lo: number, hi: number) => {
    if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new ArgumentError(`computeFlow: ${k} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  if (!(pyrScale > 0 && pyrScale < 1)) throw new ArgumentError(`computeFlow: pyrScale must be in (0, 1), got ${pyrScale}`);
  int('levels', levels, 0, 1000);
  int('winsize', winsize, 1, 513);
  int('iterations', iterations, 0, 1000);
  if (polyN !== 5 && polyN !== 7) throw new ArgumentError(`computeFlow: polyN must be 5 or 7, got ${polyN}`);
  if (!(polySigma >= 0 && Number.isFinite(polySigma))) throw new ArgumentError(`computeFlow: polySigma must be a finite number >= 0, got ${polySigma}`);
  if (flags & OPTFLOW_USE_INITIAL_FLOW) throw new UnsupportedError('computeFlow: OPTFLOW_USE_INITIAL_FLOW is not supported');
  if (!Number.isInteger(flags) || (flags & ~OPTFLOW_FARNEBACK_GAUSSIAN) !== 0) throw new ArgumentError(`computeFlow: flags must be 0 or OPTFLOW_FARNEBACK_GAUSSIAN (${OPTFLOW_FARNEBACK_GAUSSIAN}), got ${flags}`);
  return { p: [0, 0, 0, 0, levels, winsize, iterations, polyN, flags], d: [pyrScale, polySigma] };
}

/**
 * Dense optical flow of each consecutive frame pair of a u8 clip [3, T, H, W] (RGB; [1, T, H, W]
 * is taken as luma): f32 [2, T - 1, H, W], x (rightwards) then y (downwards) displacement in
 * pixels of each pixel of frame t to frame t + 1, as cv2.calcOpticalFlowFarneback(gray_t,
 * gray_t+1, None, pyrScale, levels, winsize, iterations, polyN, polySigma, flags) gives it.
 */
export function computeFlow(video: Tensor, opts: FlowOptions = {}): Tensor {
  if (!(video instanceof Tensor)) throw new ArgumentError('computeFlow: video must be a Tensor');
  if (video.dtype !== 'u8') throw new DTypeError(`computeFlow: video must be u8 [3, T, H, W], got ${video.dtype}`);
  if (video.rank !== 4 || (video.shape[0] !== 3 && video.shape[0] !== 1)) throw new ShapeError(`computeFlow: video must be [3, T, H, W] (or [1, T, H, W] luma), got ${fmtShape(video.shape)}`);
  const [C, T, H, W] = video.shape;
  if (T < 2) throw new ShapeError(`computeFlow: need at least 2 frames, got ${fmtShape(video.shape)}`);
  if (H * W === 0 || H * W > MAX_PIXELS) throw new ShapeError(`computeFlow: frames must have 1 to ${MAX_PIXELS} pixels, got ${fmtShape(video.shape)}`);
  const { p, d } = resolve(opts);
  p[vw.FlowParam.C] = C; p[vw.FlowParam.T] = T; p[vw.FlowParam.H] = H; p[vw.FlowParam.W] = W;
  const pp = Tensor.from(new Int32Array(p), [p.length], { dtype: 'i32' });
  const dd = Tensor.from(new Int32Array(new Float64Array(d).buffer), [4], { dtype: 'i32' });
  let scratch: Tensor | null = null, x: Tensor | null = null, out: Tensor | null = null;
  try {
    const floats = vw.f32_farneback_scratch_floats(pp.ptr, dd.ptr);
    if (floats < 0) throw new UnsupportedError(`computeFlow: ${fmtShape(video.shape)} with these parameters needs a smoothing kernel, window or work space beyond the kernel's limits`);
    scratch = Tensor.empty([floats], 'f32');
    x = video.layout === 'contiguous' ? video : contiguous(video);
    out = Tensor.empty([2, T - 1, H, W], 'f32');
    vw.f32_farneback(x.ptr, out.ptr, scratch.ptr, pp.ptr, dd.ptr);
    const r = out;
    out = null;
    return r;
  } finally {
    pp.dispose(); dd.dispose(); scratch?.dispose(); out?.dispose();
    if (x && x !== video) x.dispose();
  }
}
