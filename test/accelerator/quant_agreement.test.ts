// The int8 model agrees with the fp32 model it came from, on real decoded video: a small efficient
// X3D (quant_fixture.ts) trained on the demo's motion task, converted to its deploy form and
// quantised (calibrated on 64 training clips), classifies 208 held-out clips that went through
// H.264 (rendered by the demo's generator, encoded with ffmpeg.wasm's libx264 as one video,
// decoded with EncodedVideo): top-1 agreement >= 99 % and logit cosine >= 0.99 on every clip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, noGrad, tidy, accelerator as acc } from '../../ts/node.js';
import { EncodedVideo } from '../../ts/data/index.js';
import { encodeMp4 } from '../../ts/demo/encode.js';
import { renderClip, rgbToClip, demoClips } from '../../ts/demo/synth.js';
import { DEMO_CLIP, DIRECTIONS } from '../../ts/demo/spec.js';
import { tinyEfficientX3d, trainOnSynth, T, S, PER_CLIP } from './quant_fixture.js';

const CLIPS = 208;

/** CLIPS clips of the task through H.264: one mp4 of all of them, decoded back, split per clip. */
async function decodedClips(): Promise<{ video: Float32Array; label: Int32Array }> {
  const rgb = new Uint8Array(CLIPS * T * S * S * 3), label = new Int32Array(CLIPS);
  for (let i = 0; i < CLIPS; i++) {
    label[i] = i % DIRECTIONS.length;
    rgb.set(renderClip(label[i], 500000 + i, { frames: T, size: S }), i * T * S * S * 3);
  }
  const dir = mkdtempSync(join(tmpdir(), 'quant-agree-'));
  try {
    const file = join(dir, 'clips.mp4');
    writeFileSync(file, await encodeMp4(rgb, { width: S, height: S, fps: DEMO_CLIP.fps }));
    const v = await EncodedVideo.fromPath(file, { decodeAudio: false });
    const clip = await v.getClip(0, v.duration + 1);
    v.close();
    const frames = clip.video;  // u8 [3, F, S, S]
    assert.equal([...frames.shape], [3, CLIPS * T, S, S], 'every frame decoded');
    // [3, F, S, S] planes -> rgb24 frames per clip -> the demo's normalised clip values
    const planes = frames.toArray() as Uint8Array, plane = S * S, F = CLIPS * T;
    frames.dispose();
    const video = new Float32Array(CLIPS * PER_CLIP), one = new Uint8Array(T * plane * 3);
    for (let i = 0; i < CLIPS; i++) {
      for (let t = 0; t < T; t++) for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) {
        one[(t * plane + p) * 3 + c] = planes[(c * F + i * T + t) * plane + p];
      }
      rgbToClip(one, T, S, video.subarray(i * PER_CLIP, (i + 1) * PER_CLIP));
    }
    return { video, label };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function argmax(v: ArrayLike<number>, o: number, n: number): number {
  let b = 0;
  for (let c = 1; c < n; c++) if (v[o + c] > v[o + b]) b = c;
  return b;
}

test('int8 vs fp32 on 208 decoded clips: trained efficient X3D, top-1 agreement >= 99 %, logit cosine >= 0.99', async () => {
  const model = tinyEfficientX3d();
  await trainOnSynth(model);
  const clips = await decodedClips();
  const x = Tensor.from(clips.video, [CLIPS, 3, T, S, S]);
  const deploy = acc.convertToDeployableForm(model, x);
  const calib = demoClips(64, 77);
  const batches = [0, 1, 2, 3].map((b) => Tensor.from(calib.video.subarray(b * 16 * PER_CLIP, (b + 1) * 16 * PER_CLIP), [16, 3, T, S, S]));
  const int8 = await acc.quantize(deploy, { calibration: batches, observer: 'histogram' });
  const C = DIRECTIONS.length;
  const [yf, yq] = noGrad(() => tidy(() => [deploy.forward(x).toArray(), int8.forward(x).toArray()]));
  let agree = 0, correctF = 0, correctQ = 0, minCos = 1, sumCos = 0;
  for (let i = 0; i < CLIPS; i++) {
    const f = argmax(yf, i * C, C), q = argmax(yq, i * C, C);
    agree += +(f === q);
    correctF += +(f === clips.label[i]);
    correctQ += +(q === clips.label[i]);
    let d = 0, a = 0, b = 0;
    for (let c = 0; c < C; c++) { d += yf[i * C + c] * yq[i * C + c]; a += yf[i * C + c] ** 2; b += yq[i * C + c] ** 2; }
    const cos = d / Math.sqrt(a * b);
    minCos = Math.min(minCos, cos);
    sumCos += cos;
  }
  console.log(`  ${CLIPS} decoded clips: fp32 accuracy ${(100 * correctF / CLIPS).toFixed(1)} %, int8 accuracy ${(100 * correctQ / CLIPS).toFixed(1)} %, ` +
    `top-1 agreement ${(100 * agree / CLIPS).toFixed(1)} %, logit cosine mean ${(sumCos / CLIPS).toFixed(5)} min ${minCos.toFixed(5)}`);
  assert.ok(correctF / CLIPS >= 0.9, `the fp32 model is trained (accuracy ${correctF}/${CLIPS})`);
  assert.ok(agree / CLIPS >= 0.99, `top-1 agreement ${agree}/${CLIPS}`);
  assert.ok(minCos >= 0.99, `logit cosine >= 0.99 on every clip (min ${minCos})`);
  // Everything but the SE gates and the output runs in int8.
  assert.equal(int8.report.fp32.length, 3, int8.report.fp32.join('; '));
  assert.ok(int8.report.int8.some((l) => /depthwise/.test(l.kind)) && int8.report.int8.some((l) => /LUT/.test(l.kind)));
  for (const t of [x, ...batches]) if (!t.isDisposed) t.dispose();
  int8.dispose(); deploy.dispose(); model.dispose();
});

test.run();
