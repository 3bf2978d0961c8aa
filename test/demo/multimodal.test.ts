// The multimodal demo (ts/demo/multimodal.ts): its data (each modality carries half of the
// label), its networks (ImuEncoder, the X3D flow pathway, MultiModalNet's fusion), and the
// claim: trained at the CI size, the fused RGB+IMU network beats each modality alone on
// held-out clips (where each alone can reach at most 50%).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ArgumentError, memoryStats, noGrad, tidy } from '../../ts/node.js';
import { ImuEncoder, MultiModalNet } from '../../ts/models/index.js';
import {
  multimodalClips, createMultimodalModel, modalitySets, runMultimodalDemo, IMU_RATE,
} from '../../ts/demo/multimodal.js';
import { DEMO_CLIP } from '../../ts/demo/spec.js';

test('clips: balanced classes; flow along the motion axis only; IMU shake is fast energy', () => {
  const { frames: T, size: S } = DEMO_CLIP;
  const clips = multimodalClips(8, 3, true);
  assert.equal(clips.map((c) => c.label), [0, 1, 2, 3, 0, 1, 2, 3]);
  for (const c of clips) {
    assert.is(c.rgb.length, 3 * T * S * S);
    assert.is(c.flow.length, 2 * (T - 1) * S * S);
    assert.is(c.imu.length, 6 * IMU_RATE);
    const half = (T - 1) * S * S;
    const energy = (a: Float32Array) => a.reduce((s, v) => s + v * v, 0);
    const fx = energy(c.flow.subarray(0, half)), fy = energy(c.flow.subarray(half));
    // computed flow follows the shape: horizontal classes move along x, vertical ones along y
    assert.ok(c.label < 2 ? fx > 2 * fy : fy > 2 * fx, `label ${c.label}: flow x energy ${fx}, y ${fy}`);
    // high-frequency energy of the accelerometer: sum of squared second differences
    let hf = 0;
    for (let ch = 0; ch < 3; ch++) for (let j = 1; j < IMU_RATE - 1; j++) hf += (c.imu[ch * IMU_RATE + j + 1] - 2 * c.imu[ch * IMU_RATE + j] + c.imu[ch * IMU_RATE + j - 1]) ** 2;
    c.label % 2 ? assert.ok(hf > 60, `shake hf ${hf}`) : assert.ok(hf < 60, `still hf ${hf}`);
  }
});

test('networks: ImuEncoder and the fused rgb+flow+imu net give the right shapes; bad input is typed', () => {
  const live = memoryStats().liveTensors;
  const enc = new ImuEncoder();
  tidy(() => noGrad(() => assert.equal([...(enc.forward(Tensor.from(new Float32Array(2 * 6 * 32), [2, 6, 32])) as Tensor).shape], [2, 32])));
  tidy(() => assert.throws(() => enc.forward(Tensor.from(new Float32Array(5 * 32), [1, 5, 32])), /expected \[N, 6, M\]/));
  assert.throws(() => new ImuEncoder({ kernelSize: 4 }), /kernelSize must be odd/);
  const { frames: T, size: S } = DEMO_CLIP;
  const net = createMultimodalModel(['rgb', 'flow', 'imu']);
  net.eval();
  tidy(() => noGrad(() => {
    const y = net.forward([Tensor.zeros([2, 3, T, S, S]), Tensor.zeros([2, 2, T - 1, S, S]), Tensor.zeros([2, 6, IMU_RATE])]) as Tensor;
    assert.equal([...y.shape], [2, 4]);
  }));
  tidy(() => assert.throws(() => net.forward([Tensor.zeros([1, 6, IMU_RATE])]), /expected a list of 3 inputs/));
  assert.throws(() => new MultiModalNet({ encoders: [enc], featureDims: [32, 8], numClasses: 2 }), /one feature dim per encoder/);
  enc.dispose(); net.dispose();
  assert.is(memoryStats().liveTensors, live);
  assert.equal(modalitySets(['rgb', 'flow', 'imu']), [['rgb'], ['flow'], ['imu'], ['rgb', 'flow'], ['rgb', 'flow', 'imu']]);
  assert.equal(modalitySets(['rgb', 'imu']), [['rgb'], ['imu'], ['rgb', 'imu']]);
});

test('trained at the CI size, rgb+imu beats each modality alone on held-out clips', async () => {
  const lines: string[] = [];
  const { results } = await runMultimodalDemo({ modalities: ['rgb', 'imu'], quick: true, log: (l) => lines.push(l) });
  const top1 = Object.fromEntries(results.map((r) => [r.modalities.join('+'), r.top1]));
  console.log(lines.join('\n'));
  // each alone sees half of the label: at most 50% (plus luck on 64 clips)
  assert.ok(top1.rgb <= 0.6 && top1.imu <= 0.6, JSON.stringify(top1));
  assert.ok(top1['rgb+imu'] >= 0.85, `fused ${top1['rgb+imu']}`);
  assert.ok(top1['rgb+imu'] > Math.max(top1.rgb, top1.imu) + 0.25, JSON.stringify(top1));
});

test('--modalities names are checked', async () => {
  for (const bad of [['depth'], ['rgb', 'rgb'], []]) {
    try { await runMultimodalDemo({ modalities: bad as never, log: () => {} }); assert.unreachable(); } catch (e) {
      assert.instance(e, ArgumentError);
      assert.match((e as Error).message, /--modalities/);
    }
  }
});

test.run();
