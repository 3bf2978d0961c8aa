// pipeline('audio-classification', 'acoustic_resnet'): PyTorchVideo's audio recipe against
// torchaudio (golden values from test/golden/gen_audio_recipe.py: Resample, MelSpectrogram, log,
// subsample, normalise on a formula waveform), then end to end on real files: a float WAV of the
// same waveform, an s16 WAV and an AAC-in-mp4 track made by Debian's ffmpeg, with a checkpoint of
// a (narrow, random-init) acoustic ResNet served by a local HTTP server as `weights`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pipeline, zoo, data, ops, noGrad, tidy, Tensor, ArgumentError, memoryStats, manualSeed } from '../../ts/node.js';
import { createAcousticResnet } from '../../ts/models/acoustic.js';
import { saveCheckpoint } from '../../ts/zoo/checkpoint/index.js';
import { readWav, resample } from '../../ts/data/wav.js';
import { loadGolden } from '../helpers/golden.js';
import { media } from '../helpers/media.js';

const [golden] = loadGolden('audio_recipe');
const { rawRate, seconds } = golden.params as { rawRate: number; seconds: number };
const dir = mkdtempSync(join(tmpdir(), 'vidwasm-audio-'));

/** The golden script's waveform: stereo, evaluated in double, rounded to f32. */
function formula(): [Float32Array, Float32Array] {
  const n = rawRate * seconds, l = new Float32Array(n), r = new Float32Array(n);
  const noise = (i: number) => ((i * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  for (let i = 0; i < n; i++) {
    const t = i / rawRate;
    l[i] = 0.5 * Math.sin(2 * Math.PI * 440 * t) + 0.2 * Math.sin(2 * Math.PI * 3000 * t) + 0.02 * noise(i);
    r[i] = 0.3 * Math.sin(2 * Math.PI * 1000 * t + 0.5) * (t / seconds) + 0.02 * noise(n - 1 - i);
  }
  return [l, r];
}

/** A WAVE_FORMAT_IEEE_FLOAT file of interleaved channels. */
function floatWav(channels: Float32Array[], rate: number): Uint8Array {
  const n = channels[0].length, c = channels.length, bytes = new Uint8Array(44 + n * c * 4), v = new DataView(bytes.buffer);
  const put = (at: number, s: string) => { for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i); };
  put(0, 'RIFF'); v.setUint32(4, 36 + n * c * 4, true); put(8, 'WAVE'); put(12, 'fmt '); v.setUint32(16, 16, true);
  v.setUint16(20, 3, true); v.setUint16(22, c, true); v.setUint32(24, rate, true); v.setUint32(28, rate * c * 4, true);
  v.setUint16(32, c * 4, true); v.setUint16(34, 32, true); put(36, 'data'); v.setUint32(40, n * c * 4, true);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) v.setFloat32(44 + (i * c + k) * 4, channels[k][i], true);
  return bytes;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.is(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('the recipe against torchaudio: resample 44.1 -> 16 kHz, then the log-mel model input [1, 1, 128, 1, 80]', () => {
  const [l, r] = formula();
  const mono = l.map((x, i) => Math.fround((x + r[i]) / 2));
  const wave = resample(mono, rawRate, 16000);
  assert.is(wave.length, golden.params.resampledLength);
  const slice = golden.outputs.resampled_slice.data as Float32Array;
  const dr = maxDiff(wave.subarray(golden.params.sliceStart, golden.params.sliceStart + slice.length), slice);
  const x = audioInputOf(wave);
  assert.equal(x.shape, golden.outputs.input.shape.length === 4 ? [1, ...golden.outputs.input.shape] : golden.outputs.input.shape);
  const got = x.toArray() as Float32Array, want = golden.outputs.input.data as Float32Array;
  x.dispose();
  const dx = maxDiff(got, want);
  const mean = got.reduce((s, v, i) => s + Math.abs(v - want[i]), 0) / got.length;
  console.log(`  vs torchaudio: resampled max |diff| ${dr.toExponential(2)}, model input max |diff| ${dx.toExponential(2)}, mean ${mean.toExponential(2)}`);
  assert.ok(dr < 1e-5, `resample: ${dr}`);
  // The largest differences sit in the 3 kHz tone's window sidelobes (mel power ~1e-7 next to
  // ~1e-2), where float32 FFT round-off (ours vs pocketfft) decides: 0.03 in log units there.
  assert.ok(dx < 1e-2, `model input: ${dx}`);
  assert.ok(mean < 2e-4, `model input, mean: ${mean}`);
});
function audioInputOf(wave: Float32Array): Tensor {
  const t = Tensor.from(wave, [wave.length]);
  try { return zoo.audioInput(t); } finally { t.dispose(); }
}

// ---- end to end --------------------------------------------------------------------------
const floatWavPath = join(dir, 'formula.wav');
writeFileSync(floatWavPath, floatWav(formula(), rawRate));
const s16WavPath = join(dir, 'sine.wav');
const ff = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=22050:duration=3',
  '-ac', '2', '-c:a', 'pcm_s16le', s16WavPath], { encoding: 'utf8' });
if (ff.status !== 0) throw new Error(`native ffmpeg failed (make setup installs it): ${ff.stderr}`);
const mp4Path = media('h264'); // 4 s, AAC stereo 44.1 kHz

const OPTIONS = { stemDimOut: 8 }; // a narrow acoustic ResNet-50: a small checkpoint, a fast test
manualSeed(21);
const trained = createAcousticResnet({ inputChannel: 1, modelNumClass: 400, ...OPTIONS });
const ckptPath = join(dir, 'acoustic.pyth');
await saveCheckpoint(trained, ckptPath);
trained.dispose();
const files: Record<string, Uint8Array> = { '/acoustic.pyth': readFileSync(ckptPath), '/sine.wav': readFileSync(s16WavPath) };
let requests: string[] = [];
const server = createServer((req, res) => {
  requests.push(req.url ?? '');
  const body = files[req.url ?? ''];
  if (body) res.end(body); else res.writeHead(404).end();
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const clf = await pipeline('audio-classification', 'acoustic_resnet', { weights: `${base}/acoustic.pyth`, options: OPTIONS });

/** The classifier's answer written out: model input -> logits -> softmax -> top 5. */
function byHand(x: Tensor): { index: number; score: number }[] {
  const p = tidy(() => noGrad(() => ops.softmax(clf.model.forward(x) as Tensor, 1).toArray() as Float32Array));
  x.dispose();
  return [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 5).map((index) => ({ index, score: p[index] }));
}
function same(got: { index: number; score: number; label: string }[], want: { index: number; score: number }[], tol: number): void {
  assert.equal(got.map((p) => p.index), want.map((p) => p.index));
  got.forEach((p, i) => {
    assert.ok(Math.abs(p.score - want[i].score) <= tol, `${p.label}: ${p.score} vs ${want[i].score}`);
    assert.is(p.label, zoo.KINETICS400_CLASSES[p.index]);
  });
}

test('a float WAV of the golden waveform (path): the checkpoint from the URL, scored on the torchaudio-made input', async () => {
  assert.ok(requests.includes('/acoustic.pyth'), 'the weights came from the server');
  const g = golden.outputs.input;
  const want = byHand(Tensor.from(g.data as Float32Array, [1, ...g.shape]));
  same(await clf(floatWavPath), want, 1e-4);
});

test('an s16 stereo 22.05 kHz WAV made by ffmpeg: path, URL, bytes and Blob agree; a 3 s file gives its centre 2 s', async () => {
  const want = await clf(s16WavPath, { topk: 3 });
  assert.is(want.length, 3);
  const bytes = readFileSync(s16WavPath);
  for (const input of [`${base}/sine.wav`, new Uint8Array(bytes), new Blob([bytes])]) assert.equal(await clf(input, { topk: 3 }), want);
  const wav = readWav(new Uint8Array(bytes), 'sine.wav', 0.5, 2.5);
  assert.is(wav.sampleRate, 22050);
  assert.is(wav.mono.length, 44100);
  const wave = resample(wav.mono, 22050, 16000);
  same(await clf(s16WavPath), byHand(audioInputOf(wave)), 1e-6);
});

test('the AAC track of an mp4 (decoded by ffmpeg.wasm at 16 kHz, mono): the centre 2 s, and a waveform tensor', async () => {
  const v = await data.EncodedVideo.fromPath(mp4Path, { sampleRate: 16000 });
  const clip = await v.getClip(1, 3 + 1e-6);
  clip.video.dispose();
  const audio = clip.audio!;
  const live = memoryStats().liveTensors;
  const got = await clf(mp4Path);
  same(got, byHand(zoo.audioInput(audio)), 1e-6);
  assert.equal(await clf(audio), got, 'the same waveform as a tensor');
  assert.not.ok(audio.isDisposed, 'a tensor input is left to its owner');
  assert.is(memoryStats().liveTensors, live, 'no tensor left behind');
  audio.dispose();
});

test('typed errors: no weights, an unknown audio model, no audio track, a broken WAV, a bad tensor', async () => {
  await pipeline('audio-classification', 'acoustic_resnet').then(() => assert.unreachable(), (e) => assert.match(e.message, /publishes no 'acoustic_resnet' checkpoint: pass \{ weights/));
  await pipeline('audio-classification', 'x3d_xs', { pretrained: false }).then(() => assert.unreachable(), (e) => assert.match(e.message, /audio models: acoustic_resnet/));
  await clf(media('odd')).then(() => assert.unreachable(), (e) => assert.match(e.message, /has no audio track/));
  const broken = new Uint8Array(readFileSync(s16WavPath).subarray(0, 30));
  await clf(broken).then(() => assert.unreachable(), (e) => { assert.instance(e, data.VideoDecodeError); assert.match(e.message, /not a readable WAV file: (short fmt|no data)/); });
  // A rate with a small common divisor with 16 kHz would need a 7e8-entry kernel: refused, not allocated.
  const odd = new Uint8Array(readFileSync(s16WavPath));
  new DataView(odd.buffer).setUint32(24, 44101, true);
  new DataView(odd.buffer).setUint32(28, 44101 * 4, true);
  await clf(odd).then(() => assert.unreachable(), (e) => { assert.instance(e, ArgumentError); assert.match(e.message, /44101 Hz -> 16000 Hz needs a 16000 x \d+ kernel/); });
  const t = Tensor.zeros([2, 100]);
  await clf(t).then(() => assert.unreachable(), (e) => { assert.instance(e, ArgumentError); assert.match(e.message, /f32 \[S\]/); });
  t.dispose();
});

test.after(() => { clf.dispose(); server.close(); rmSync(dir, { recursive: true, force: true }); });
test.run();
