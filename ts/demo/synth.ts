// The demo's synthetic task: a square or a disc (random colour and size) moving right, left, up
// or down at a random speed over a noisy, randomly tinted and textured background. Every frame
// alone is a shape somewhere on a background; only the motion across frames tells the class,
// so a model has to use time. Rendering is pure JS on a seeded PRNG (the clip with seed s is
// always the same), producing rgb24 frames for the encoder, or normalised clips for a model
// (the browser page trains on these directly, without encoding).
import { DEMO_CLIP, DIRECTIONS } from './spec.js';

export interface ClipSpec { frames: number; size: number }

/** mulberry32: a small, fast, seedable PRNG (good enough for pictures). */
export function rng(seed: number): () => number {
  // The seed goes through a murmur3 finaliser first: nearby seeds must not give nearby first draws.
  let a = seed >>> 0;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a = (a ^ (a >>> 16)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clamp8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v | 0);

/**
 * Renders one clip of class `label` (an index into DIRECTIONS): frames x size x size x 3 bytes
 * (rgb24, frame-major), ready for `-f rawvideo -pix_fmt rgb24`.
 */
export function renderClip(label: number, seed: number, spec: ClipSpec): Uint8Array {
  const { frames: T, size: S } = spec;
  const r = rng(seed);
  const out = new Uint8Array(T * S * S * 3);
  // Background: a tint, a linear gradient at a random angle, a fixed texture, per-frame noise.
  const base = [40 + r() * 150, 40 + r() * 150, 40 + r() * 150];
  const ga = r() * Math.PI * 2, gs = 20 + r() * 40;
  const gx = Math.cos(ga) * gs / S, gy = Math.sin(ga) * gs / S;
  const texture = new Float32Array(S * S);
  for (let i = 0; i < texture.length; i++) texture[i] = (r() - 0.5) * 36;
  // Shape: kind, half-size, a colour far from the background's.
  const disc = r() < 0.5;
  const rad = 3 + r() * (S / 10);
  const colour = base.map((b) => (b > 128 ? b - 90 - r() * 40 : b + 90 + r() * 40));
  // Motion: speed in px/frame; the path's middle is uniform over where the whole path fits, so
  // where the shape is at mid-clip says nothing about where it goes.
  const dist = (0.6 + r() * 0.4) * (S - 2 * rad - 2);
  const step = dist / Math.max(1, T - 1);
  const dir = DIRECTIONS[label];
  const along = rad + 1 + dist / 2 + r() * Math.max(0, S - 2 * rad - 2 - dist);
  const across = rad + 1 + r() * Math.max(0, S - 2 * rad - 2);
  const sign = dir === 'right' || dir === 'down' ? 1 : -1;
  const horizontal = dir === 'right' || dir === 'left';
  const noise = 6 + r() * 10;
  for (let t = 0; t < T; t++) {
    const p = along + sign * (t - (T - 1) / 2) * step;
    const cx = horizontal ? p : across, cy = horizontal ? across : p;
    const o = t * S * S * 3;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const i = y * S + x;
        const g = (x - S / 2) * gx + (y - S / 2) * gy + texture[i];
        // Coverage in [0, 1] with a one-pixel soft edge, so sub-pixel motion shows.
        const dx = x + 0.5 - cx, dy = y + 0.5 - cy;
        const d = disc ? Math.hypot(dx, dy) - rad : Math.max(Math.abs(dx), Math.abs(dy)) - rad;
        const cov = d <= -0.5 ? 1 : d >= 0.5 ? 0 : 0.5 - d;
        for (let c = 0; c < 3; c++) {
          const bg = base[c] + g + (r() - 0.5) * 2 * noise;
          out[o + i * 3 + c] = clamp8(bg * (1 - cov) + colour[c] * cov);
        }
      }
    }
  }
  return out;
}

/**
 * Label-preserving augmentation of the motion task: the 16 symmetries made of a horizontal
 * flip, a vertical flip, a transpose (x <-> y) and playing time backwards, each applied to the
 * pixels and to the direction of motion, which gives the new label. `src` and `dst` hold one
 * [3, T, S, S] clip; `bits` picks the symmetry (bit 0 hflip, 1 vflip, 2 transpose, 3 reverse).
 */
export function augmentMotion(src: Float32Array, dst: Float32Array, label: number, bits: number, T: number, S: number): number {
  const hflip = (bits & 1) !== 0, vflip = (bits & 2) !== 0, transpose = (bits & 4) !== 0, reverse = (bits & 8) !== 0;
  const plane = S * S;
  for (let c = 0; c < 3; c++) {
    for (let t = 0; t < T; t++) {
      const so = (c * T + (reverse ? T - 1 - t : t)) * plane, d = (c * T + t) * plane;
      for (let y = 0; y < S; y++) {
        const y1 = vflip ? S - 1 - y : y;
        for (let x = 0; x < S; x++) {
          const x1 = hflip ? S - 1 - x : x;
          dst[d + y * S + x] = transpose ? src[so + x1 * S + y1] : src[so + y1 * S + x1];
        }
      }
    }
  }
  // out(y, x) = in(P F (y, x)): a motion v in the input appears as F P v in the output.
  let [dx, dy] = [[1, 0], [-1, 0], [0, -1], [0, 1]][label];
  if (transpose) [dx, dy] = [dy, dx];
  if (hflip) dx = -dx;
  if (vflip) dy = -dy;
  if (reverse) { dx = -dx; dy = -dy; }
  return dx === 1 ? 0 : dx === -1 ? 1 : dy === -1 ? 2 : 3;
}

/** rgb24 frames (T x S x S x 3 bytes, frame-major) -> [3, T, S, S] values normalised with the demo's mean/std. */
export function rgbToClip(rgb: Uint8Array | Uint8ClampedArray, frames: number, size: number, out = new Float32Array(3 * frames * size * size)): Float32Array {
  const { mean, std } = DEMO_CLIP, hw = size * size;
  for (let t = 0; t < frames; t++) for (let p = 0; p < hw; p++) for (let c = 0; c < 3; c++) {
    out[(c * frames + t) * hw + p] = (rgb[(t * hw + p) * 3 + c] / 255 - mean[c]) / std[c];
  }
  return out;
}

/** n clips of the motion task: values for [n, 3, T, S, S] and their direction labels (balanced). */
export function demoClips(n: number, seed: number): { video: Float32Array; label: Int32Array } {
  const { frames, size } = DEMO_CLIP, per = 3 * frames * size * size;
  const video = new Float32Array(n * per), label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = i % DIRECTIONS.length;
    rgbToClip(renderClip(label[i], seed * 1000 + i, { frames, size }), frames, size, video.subarray(i * per, (i + 1) * per));
  }
  return { video, label };
}
