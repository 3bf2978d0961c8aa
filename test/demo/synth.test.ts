// The demo's synthetic task: clips are deterministic per seed, the shape really moves in the
// labelled direction, and each of the 16 symmetries of augmentMotion relabels consistently
// with the motion it produces (measured from the pixels, not from the label table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DIRECTIONS, DEMO_CLIP } from '../../ts/demo/spec.js';
import { renderClip, augmentMotion } from '../../ts/demo/synth.js';

const T = DEMO_CLIP.frames, S = DEMO_CLIP.size;

function planar(rgb: Uint8Array): Float32Array {
  const f = new Float32Array(3 * T * S * S);
  for (let t = 0; t < T; t++) for (let i = 0; i < S * S; i++) for (let c = 0; c < 3; c++) f[(c * T + t) * S * S + i] = rgb[(t * S * S + i) * 3 + c];
  return f;
}

/** Direction index of the shape's motion: centroid of the pixels far from the frame's mean colour, first vs last frame. */
function motion(f: Float32Array): number {
  const centroid = (t: number) => {
    const mean = [0, 1, 2].map((c) => { let s = 0; for (let i = 0; i < S * S; i++) s += f[(c * T + t) * S * S + i]; return s / (S * S); });
    let sx = 0, sy = 0, n = 0;
    for (let i = 0; i < S * S; i++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += Math.abs(f[(c * T + t) * S * S + i] - mean[c]);
      if (d > 150) { sx += i % S; sy += Math.floor(i / S); n++; }
    }
    return [sx / n, sy / n];
  };
  const [a, b] = [centroid(0), centroid(T - 1)];
  const dx = b[0] - a[0], dy = b[1] - a[1];
  return Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? 0 : 1) : (dy < 0 ? 2 : 3);
}

test('renderClip is deterministic per seed and differs across seeds', () => {
  const a = renderClip(2, 123, { frames: T, size: S }), b = renderClip(2, 123, { frames: T, size: S }), c = renderClip(2, 124, { frames: T, size: S });
  assert.is(a.length, T * S * S * 3);
  assert.ok(Buffer.from(a).equals(Buffer.from(b)));
  assert.not.ok(Buffer.from(a).equals(Buffer.from(c)));
});

test('the shape moves in the labelled direction (20 clips per class)', () => {
  for (let label = 0; label < DIRECTIONS.length; label++) {
    for (let s = 0; s < 20; s++) assert.is(motion(planar(renderClip(label, 1000 * label + s, { frames: T, size: S }))), label, `${DIRECTIONS[label]} seed ${s}`);
  }
});

test('augmentMotion: every symmetry relabels as the pixels move', () => {
  for (let label = 0; label < DIRECTIONS.length; label++) {
    const f = planar(renderClip(label, 77 + label, { frames: T, size: S }));
    const seen = new Set<number>();
    for (let bits = 0; bits < 16; bits++) {
      const g = new Float32Array(f.length);
      const nl = augmentMotion(f, g, label, bits, T, S);
      assert.is(motion(g), nl, `${DIRECTIONS[label]} bits ${bits}`);
      seen.add(nl);
    }
    assert.is(seen.size, 4, 'the symmetries reach every direction');
  }
  // bits 0 is the identity
  const f = planar(renderClip(1, 5, { frames: T, size: S })), g = new Float32Array(f.length);
  assert.is(augmentMotion(f, g, 1, 0, T, S), 1);
  assert.equal(Array.from(g), Array.from(f));
});

test.run();
