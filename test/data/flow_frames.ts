// The synthetic frames of test/golden/gen_flow.py, rebuilt with the same integer arithmetic (so
// the bytes are identical and the golden JSON carries no frames), and their true flow.
import { readFileSync } from 'node:fs';

export interface FrameSpec { h: number; w: number; channels: number; frames: number; seed: number; A: number[][]; t: number[] }
export interface FlowParams { pyrScale: number; levels: number; winsize: number; iterations: number; polyN: 5 | 7; polySigma: number; flags: number }
export interface FlowGolden {
  opencv: string; one: number; margin: number; border: number; params: FlowParams;
  cases: { name: string; spec: FrameSpec; params: FlowParams; stride: number; shape: number[]; flow: string }[];
  synthetic: { name: string; spec: FrameSpec; opencv_epe: number }[];
}
export const golden = JSON.parse(readFileSync(new URL('../golden/data/flow.json', import.meta.url), 'utf8')) as FlowGolden;
const ONE = golden.one, MARGIN = golden.margin;

export const decodeF32 = (b64: string) => { const b = Buffer.from(b64, 'base64'); return new Float32Array(b.buffer, b.byteOffset, b.length / 4); };

function canvas(h: number, w: number, seed: number, r = 2, gain = 6): Int32Array {
  const H = h + 2 * MARGIN, W = w + 2 * MARGIN;
  let a = new Int32Array(H * W), s = seed >>> 0;
  for (let i = 0; i < H * W; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s >>> 24; }
  const k = (2 * r + 1) ** 2, cl = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);
  for (let pass = 0; pass < 2; pass++) {
    const b = new Int32Array(H * W);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) acc += a[cl(y + dy, H) * W + cl(x + dx, W)];
      b[y * W + x] = Math.floor(acc / k);
    }
    a = b;
  }
  return a.map((v) => Math.min(255, Math.max(0, 128 + (v - 128) * gain)));
}

function warp(base: Int32Array, h: number, w: number, A: number[][], t: number[], out: Uint8Array, off: number): void {
  const cx = w >> 1, cy = h >> 1, W = w + 2 * MARGIN, H = h + 2 * MARGIN;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const sx = A[0][0] * (x - cx) + A[0][1] * (y - cy) + (cx + MARGIN) * ONE + t[0];
    const sy = A[1][0] * (x - cx) + A[1][1] * (y - cy) + (cy + MARGIN) * ONE + t[1];
    const ix = Math.min(Math.max(Math.floor(sx / ONE), 0), W - 2), iy = Math.min(Math.max(Math.floor(sy / ONE), 0), H - 2);
    const fx = sx - Math.floor(sx / ONE) * ONE, fy = sy - Math.floor(sy / ONE) * ONE;
    const i = iy * W + ix;
    const v = base[i] * (ONE - fx) * (ONE - fy) + base[i + 1] * fx * (ONE - fy) + base[i + W] * (ONE - fx) * fy + base[i + W + 1] * fx * fy;
    out[off + y * w + x] = Math.floor((v + 2 ** 23) / 2 ** 24);
  }
}

/** u8 [C, T, H, W] bytes of a spec (frame k: the motion applied k times). */
export function frames(spec: FrameSpec): Uint8Array {
  const { h, w, channels: C, frames: T } = spec;
  const out = new Uint8Array(C * T * h * w);
  const bases = Array.from({ length: C }, (_, c) => canvas(h, w, spec.seed + 101 * c));
  let A = [[ONE, 0], [0, ONE]], t = [0, 0];
  for (let k = 0; k < T; k++) {
    for (let c = 0; c < C; c++) warp(bases[c], h, w, A, t, out, (c * T + k) * h * w);
    const a = spec.A;
    t = [0, 1].map((i) => Math.floor((a[i][0] * t[0] + a[i][1] * t[1]) / ONE) + spec.t[i]);
    A = [0, 1].map((i) => [0, 1].map((j) => Math.floor((a[i][0] * A[0][j] + a[i][1] * A[1][j]) / ONE)));
  }
  return out;
}

/** The true flow [u, v] of frame 0 -> 1 at every pixel: p moves to A^-1 (p - c - t) + c. */
export function trueFlow(spec: FrameSpec): [Float64Array, Float64Array] {
  const { h, w } = spec;
  const [[a, b], [c, d]] = spec.A.map((r) => r.map((v) => v / ONE));
  const det = a * d - b * c, cx = w >> 1, cy = h >> 1, tx = spec.t[0] / ONE, ty = spec.t[1] / ONE;
  const u = new Float64Array(h * w), v = new Float64Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const px = x - cx - tx, py = y - cy - ty;
    u[y * w + x] = (d * px - b * py) / det + cx - x;
    v[y * w + x] = (-c * px + a * py) / det + cy - y;
  }
  return [u, v];
}

/** Average endpoint error of flow [2, 1, h, w] (pair 0) against the true flow, `border` px excluded. */
export function epe(flow: Float32Array, spec: FrameSpec, border: number): number {
  const { h, w } = spec, [u, v] = trueFlow(spec);
  let s = 0, n = 0;
  for (let y = border; y < h - border; y++) for (let x = border; x < w - border; x++) {
    const i = y * w + x;
    s += Math.hypot(flow[i] - u[i], flow[h * w + i] - v[i]); n++;
  }
  return s / n;
}
