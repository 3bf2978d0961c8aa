// A small efficient X3D for the int8 tests, and its training on the demo's synthetic motion task.
//
// Sizes, chosen to keep every int8 test under ~20 s on a loaded 2-core machine: the demo's clip
// (8 frames of 32x32, ts/demo/spec.ts); X3D's efficient blocks in X3D's arrangement (a 1x3x3
// stride-2 stem conv and a 5x1x1 depthwise, bottlenecks with squeeze-excitation on every other
// block, swish in the middle, ReLU after the sum, a pointwise conv_5 and the global pool) at
// widths 8/16/32 instead of 24..192, two blocks per stage. Trained 6 epochs of 256 clips with the
// demo's motion augmentation (AdamW, cosine), it classifies held-out clips at 100 % (4.4 s here):
// a trained model whose logits have real margins, which is what the int8 agreement test needs.
import { Tensor, nn, manualSeed, accelerator as acc } from '../../ts/node.js';
import { Trainer } from '../../ts/train/trainer.js';
import { demoClips, augmentMotion, rng } from '../../ts/demo/synth.js';
import { DEMO_CLIP, DIRECTIONS } from '../../ts/demo/spec.js';

const M = acc.mobileCpu;
export const { frames: T, size: S } = DEMO_CLIP;
export const PER_CLIP = 3 * T * S * S;

const block = (i: number, m: number, o: number, stride: number, se: number) =>
  new M.X3dBottleneckBlock({ inChannels: i, midChannels: m, outChannels: o, spatialStride: stride, seRatio: se, actFunctions: ['relu', 'swish', 'relu'] });

/** X3D's structure of efficient blocks, narrow and shallow, with a Flatten + FullyConnected head. */
export function tinyEfficientX3d(numClasses = DIRECTIONS.length): InstanceType<typeof nn.Sequential> {
  return new nn.Sequential({
    s1: new nn.Sequential({
      pathway0_stem_conv_xy: new M.Conv3dTemporalKernel1BnAct(3, 8, { spatialKernel: 3, spatialPadding: 1, spatialStride: 2, activation: 'identity', useBn: false }),
      pathway0_stem_conv: new M.Conv3d5x1x1BnAct(8, 8, { groups: 8 }),
    }),
    s2: new nn.Sequential({ pathway0_res0: block(8, 24, 16, 2, 0.0625), pathway0_res1: block(16, 32, 16, 1, 0) }),
    s3: new nn.Sequential({ pathway0_res0: block(16, 48, 32, 2, 0.0625), pathway0_res1: block(32, 64, 32, 1, 0) }),
    head: new nn.Sequential({ conv_5: new M.Conv3dPwBnAct(32, 64), avg_pool: new M.AdaptiveAvgPool3dOutSize1() }),
    flatten: new nn.Flatten(),
    projection: new M.FullyConnected(64, numClasses),
  });
}

/** Trains `model` on `n` generated clips (seed `seed`) with the demo's augmentation; eval mode after. */
export async function trainOnSynth(model: nn.Module, { n = 256, batch = 16, epochs = 6, seed = 11 } = {}): Promise<void> {
  manualSeed(3);
  const data = demoClips(n, seed);
  const r = rng(5);
  const loader = {
    length: n / batch,
    *[Symbol.iterator]() {
      for (let i = 0; i < n; i += batch) {
        const video = new Float32Array(PER_CLIP * batch), label = new Int32Array(batch);
        for (let j = 0; j < batch; j++) {
          const k = i + j;
          label[j] = augmentMotion(data.video.subarray(k * PER_CLIP, (k + 1) * PER_CLIP), video.subarray(j * PER_CLIP, (j + 1) * PER_CLIP), data.label[k], Math.floor(r() * 16), T, S);
        }
        yield { video: Tensor.from(video, [batch, 3, T, S, S]), label: Tensor.from(label, [batch], { dtype: 'i32' }) };
      }
    },
  };
  const trainer = new Trainer({ model, optimizer: 'adamw', lr: 1e-2, weightDecay: 1e-4, schedule: 'cosine', epochs, trainLoader: loader });
  try {
    await trainer.fit({ resume: false });
  } finally {
    trainer.optimizer.dispose();
  }
  model.eval();
}
