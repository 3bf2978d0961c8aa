// Log-mel spectrograms (ts/data/audio.ts over native/kernels/melspec*.c) against torchaudio
// (test/golden/gen_melspec.py), SIMD vs scalar, awkward lengths, silence, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tidy, ShapeError, DTypeError, ArgumentError } from '../../ts/node.js';
import { melSpectrogram, logMelSpectrogram, spectrogram, melFilterbank, LogMelSpectrogram, type LogMelOptions } from '../../ts/data/audio.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { assertClose, eachBackend, simdVsScalar } from '../helpers/assert.js';

const maxAbs = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; };

for (const c of loadGolden('melspec')) {
  test(`${c.name}: spectrogram, mel, log-mel and filterbank match torchaudio (simd and scalar)`, () => {
    const o = c.params as LogMelOptions;
    const nf = Math.floor((o.nFft ?? 400) / 2) + 1, sr = o.sampleRate ?? 16000;
    assertClose(melFilterbank(nf, o.fMin ?? 0, o.fMax ?? sr / 2, o.nMels ?? 128, sr, o.norm ?? null, o.melScale ?? 'htk'),
      c.outputs.fb.data, { rtol: 1e-5, atol: 1e-6 * maxAbs(c.outputs.fb.data) }, `${c.name} filterbank`);
    eachBackend((b) => {
      const x = tensorOf(c.inputs.x);
      const spec = spectrogram(x, o), mel = melSpectrogram(x, o), log = logMelSpectrogram(x, o);
      assert.equal([...log.shape], c.outputs.logmel.shape, `${c.name} shape`);
      // linear values: relative, with a floor at 1e-6 of the largest bin (f32 FFT rounding)
      assertClose(spec, c.outputs.spec.data, { rtol: 1e-4, atol: 1e-6 * maxAbs(c.outputs.spec.data) }, `${c.name} [${b}] spec`);
      assertClose(mel, c.outputs.mel.data, { rtol: 1e-4, atol: 1e-6 * maxAbs(c.outputs.mel.data) }, `${c.name} [${b}] mel`);
      assertClose(log, c.outputs.logmel.data, { rtol: 1e-4, atol: 1e-4 }, `${c.name} [${b}] log-mel`);
      // torchaudio's float32 filterbank itself (its rounding moves weights by up to ~3e-4)
      assertClose(mel, c.outputs.mel_torchaudio.data, { rtol: 1e-3, atol: 1e-5 * maxAbs(c.outputs.mel.data) }, `${c.name} [${b}] mel vs torchaudio f32`);
    });
  });
}

function lcgWave(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = Math.sin(i * 0.07) * 0.6 + ((s >>> 8) / 16777216 - 0.5) * 0.2; }
  return out;
}

test('SIMD equals the scalar twin: spectrograms bit for bit, log-mel within the SIMD log', () => {
  for (const [n, nFft] of [[1601, 512], [999, 400], [515, 64], [4000, 256], [3333, 300], [301, 50], [203, 25], [700, 96]] as const) {
    const w = lcgWave(n, n);
    const o = { nFft, hopLength: Math.floor(nFft / 3), nMels: 37 };
    const s = simdVsScalar(() => spectrogram(Tensor.from(w, [n]), o));
    assert.equal(Array.from(s.simd), Array.from(s.scalar), `spectrogram n=${n} nFft=${nFft}`);
    const m = simdVsScalar(() => melSpectrogram(Tensor.from(w, [n]), o));
    assert.equal(Array.from(m.simd), Array.from(m.scalar), `mel n=${n} nFft=${nFft}`);
    const l = simdVsScalar(() => logMelSpectrogram(Tensor.from(w, [n]), o));
    assertClose(l.simd, l.scalar, { rtol: 1e-6, atol: 2e-6 }, `log-mel n=${n} nFft=${nFft}`);
  }
});

test('frame counts for odd lengths follow torch.stft (center and not)', () => {
  tidy(() => {
    for (const n of [201, 202, 399, 400, 401, 1001]) {
      const x = Tensor.from(lcgWave(n, 7), [n]);
      assert.equal([...logMelSpectrogram(x, { nFft: 400, hopLength: 160, nMels: 40 }).shape], [1 + Math.floor(n / 160), 40]);
      if (n >= 400) assert.equal([...spectrogram(x, { nFft: 400, hopLength: 160, center: false }).shape], [1 + Math.floor((n - 400) / 160), 201]);
    }
  });
});

test('silence gives finite log-mel (log eps), never -inf or NaN', () => {
  eachBackend((b) => {
    const x = Tensor.zeros([1000]);
    for (const logMode of ['offset', 'clamp'] as const) {
      const y = logMelSpectrogram(x, { nFft: 256, nMels: 20, eps: 1e-6, logMode }).toArray();
      for (const v of y) assert.ok(Number.isFinite(v) && Math.abs(v - Math.log(1e-6)) < 1e-4, `[${b}] ${logMode}: ${v}`);
    }
  });
});

test('a pure tone peaks in the mel bin containing its frequency', () => {
  tidy(() => {
    const sr = 16000, f0 = 1000, n = 8000;
    const w = Float32Array.from({ length: n }, (_, i) => Math.sin(2 * Math.PI * f0 * i / sr));
    const y = melSpectrogram(Tensor.from(w, [n]), { nFft: 512, nMels: 40 });
    const row = Array.from(y.toArray().subarray(10 * 40, 11 * 40));
    const k = row.indexOf(Math.max(...row));
    const fb = melFilterbank(257, 0, 8000, 40, sr);
    const bin = Math.round(f0 * 512 / sr);
    const weights = Array.from({ length: 40 }, (_, m) => fb[bin * 40 + m]);
    assert.is(k, weights.indexOf(Math.max(...weights)));
  });
});

test('LogMelSpectrogram transform consumes the waveform', () => {
  const x = Tensor.from(lcgWave(3200, 3), [3200]);
  const y = LogMelSpectrogram({ nFft: 512, hopLength: 160, nMels: 64 })(x);
  assert.ok(x.isDisposed);
  assert.equal([...y.shape], [21, 64]);
  y.dispose();
});

test('bad input: typed errors naming the op and shapes', () => {
  tidy(() => {
    const ok = Tensor.from(lcgWave(1000, 1), [1000]);
    assert.throws(() => logMelSpectrogram(Tensor.zeros([2, 1000])), (e: Error) => e instanceof ShapeError && /logMelSpectrogram.*\[2, ?1000\]/.test(e.message));
    assert.throws(() => melSpectrogram(Tensor.from(new Int32Array(100), [100], { dtype: 'i32' })), (e: Error) => e instanceof DTypeError && /melSpectrogram.*i32/.test(e.message));
    assert.throws(() => spectrogram(Tensor.zeros([100]), { nFft: 400 }), (e: Error) => e instanceof ShapeError && /reflect padding of 200/.test(e.message));
    assert.throws(() => spectrogram(Tensor.zeros([100]), { nFft: 400, center: false }), (e: Error) => e instanceof ShapeError && /shorter than nFft 400/.test(e.message));
    assert.throws(() => spectrogram(ok, { nFft: 256, winLength: 300 }), (e: Error) => e instanceof ArgumentError && /winLength 300 > nFft 256/.test(e.message));
    assert.throws(() => spectrogram(ok, { hopLength: 0 }), (e: Error) => e instanceof ArgumentError && /hopLength/.test(e.message));
    assert.throws(() => spectrogram(ok, { power: 3 as 2 }), (e: Error) => e instanceof ArgumentError && /power/.test(e.message));
    assert.throws(() => spectrogram(ok, { padMode: 'circular' as 'reflect' }), (e: Error) => e instanceof ArgumentError && /padMode/.test(e.message));
    assert.throws(() => melSpectrogram(ok, { fMax: 9000 }), (e: Error) => e instanceof ArgumentError && /fMax 9000/.test(e.message));
    assert.throws(() => melSpectrogram(ok, { melScale: 'bark' as 'htk' }), (e: Error) => e instanceof ArgumentError && /melScale/.test(e.message));
    assert.throws(() => logMelSpectrogram(ok, { eps: 0 }), (e: Error) => e instanceof ArgumentError && /eps/.test(e.message));
    assert.throws(() => logMelSpectrogram(Tensor.zeros([0])), (e: Error) => e instanceof ShapeError && /empty/.test(e.message));
  });
});

test.run();
