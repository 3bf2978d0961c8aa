// Spectrogram, mel spectrogram and MFCC (ts/data/audio.ts) against torchaudio's own transforms
// (test/golden/gen_audio_features.py): their defaults, and the three configurations PyTorchVideo's
// Ego4dMomentsDataset uses; SIMD vs the scalar twin; the clip-dict transforms; bad options.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ArgumentError, memoryStats } from '../../ts/node.js';
import { data } from '../../ts/node.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { assertClose, eachBackend, simdVsScalar, throwsTyped } from '../helpers/assert.js';

const fns = { spectrogram: data.spectrogram, melSpectrogram: data.melSpectrogram, mfcc: data.mfcc } as const;
const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; };

// Tolerances. Linear spectra: f32 FFTs vs torch's (pocketfft) differ by rounding, relative 1e-4
// with a floor at 1e-6 of the largest bin. MFCCs are sums of up to 256 decibel values (each
// within ~1e-4 dB of torchaudio's), so the bound is on the coefficient scale: 1e-5 of the
// largest coefficient plus a small relative part.
const TOL: Record<string, (ref: Float32Array) => { rtol: number; atol: number }> = {
  spectrogram: (r) => ({ rtol: 1e-4, atol: 1e-6 * maxAbs(r) }),
  melSpectrogram: (r) => ({ rtol: 1e-3, atol: 1e-5 * maxAbs(r) }), // torchaudio's f32 filterbank (melspec.test.ts)
  mfcc: (r) => ({ rtol: 1e-4, atol: 2e-5 * maxAbs(r) }),
};

for (const c of loadGolden('audio_features')) {
  test(`${c.name}: ${c.op} matches torchaudio (simd and scalar)`, () => {
    const ref = c.outputs.y;
    eachBackend((b) => {
      const x = tensorOf(c.inputs.x);
      const y = fns[c.op as keyof typeof fns](x, c.params as never);
      assert.equal([...y.shape], ref.shape, `${c.name} shape`);
      assertClose(y, ref.data, TOL[c.op](ref.data as Float32Array), `${c.name} [${b}]`);
      x.dispose(); y.dispose();
    });
  });
}

test('MFCC: SIMD equals the scalar twin up to the SIMD log', () => {
  const n = 5000, w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.sin(i * 0.05) * (i < n / 2 ? 1e-7 : 0.5) + Math.cos(i * 0.31) * 0.1 * (i % 7 === 0 ? 1 : 0);
  for (const o of [{}, { logMels: true, nMfcc: 13 }, { norm: null, melkwargs: { nFft: 512, nMels: 64 } }] as data.MfccOptions[]) {
    const r = simdVsScalar(() => data.mfcc(Tensor.from(w, [n]), o));
    assertClose(r.simd, r.scalar, { rtol: 1e-5, atol: 1e-4 * maxAbs(r.scalar) }, JSON.stringify(o));
  }
});

test('the 80 dB floor: no coefficient row comes from below max - 80 dB', () => {
  // A silent waveform: every mel bin is at the 1e-10 floor (-100 dB), so only c0 is non-zero.
  const y = data.mfcc(Tensor.from(new Float32Array(2000), [2000]), { nMfcc: 5 });
  const v = y.toArray() as Float32Array;
  for (let t = 0; t < y.shape[0]; t++) {
    assert.ok(Math.abs(v[t * 5] - -100 * Math.sqrt(128)) < 1e-2, `c0 ${v[t * 5]}`);
    for (let k = 1; k < 5; k++) assert.ok(Math.abs(v[t * 5 + k]) < 1e-3, `c${k} ${v[t * 5 + k]}`);
  }
  y.dispose();
});

test('clip-dict transforms consume the waveform; bad options are typed errors', () => {
  const run = () => { for (const [T, F] of [[data.Spectrogram({ nFft: 64 }), 33], [data.MelSpectrogram({ nMels: 20 }), 20], [data.MFCC({ nMfcc: 12 }), 12]] as const) {
    const x = Tensor.from(new Float32Array(1000).map((_, i) => Math.sin(i)), [1000]);
    const y = T(x);
    assert.ok(x.isDisposed);
    assert.is(y.shape[1], F);
    y.dispose();
  } };
  run(); // the first call caches FFT plans, filterbanks and DCT matrices
  const live = memoryStats().liveTensors;
  run();
  assert.is(memoryStats().liveTensors, live);
  const x = Tensor.from(new Float32Array(1000), [1000]);
  throwsTyped(() => data.mfcc(x, { nMfcc: 200 }), ArgumentError, /nMfcc 200 > nMels 128/);
  throwsTyped(() => data.mfcc(x, { dctType: 3 as 2 }), ArgumentError, /dctType must be 2/);
  throwsTyped(() => data.mfcc(x, { norm: 'none' as 'ortho' }), ArgumentError, /norm must be 'ortho' or null/);
  throwsTyped(() => data.mfcc(x, { nMfcc: 0 }), ArgumentError, /nMfcc must be a positive integer/);
  x.dispose();
  assert.is(memoryStats().liveTensors, live);
});

test.run();
