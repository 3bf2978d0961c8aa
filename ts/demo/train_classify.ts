// The demo network at work without files: a few training steps on clips generated in memory (the
// browser page's Train button), and the class probabilities of one clip (the page's drop zone
// and the Node demo's fresh clip). DOM-free and host-free: runs in Node too.
import { Tensor } from '../runtime/tensor.js';
import { noGrad } from '../runtime/autograd.js';
import { tidy } from '../runtime/memory.js';
import { manualSeed } from '../runtime/random.js';
import * as F from '../runtime/ops/index.js';
import type { Module } from '../runtime/nn/module.js';
import { Trainer } from '../train/trainer.js';
import type { Batch } from '../train/batch.js';
import { DEMO_CLASSES, DEMO_CLIP } from './spec.js';
import { demoClips } from './synth.js';

export interface DemoTrainOptions {
  steps?: number;
  batchSize?: number;
  /** Distinct batches cycled through (a small fixed set: a few steps must visibly lower the loss). */
  batches?: number;
  lr?: number;
  seed?: number;
  onStep?: (step: number, loss: number) => void;
}

/** Trains the model for a few steps with the Trainer (AdamW, constant lr); returns the loss per step. */
export async function trainDemo(model: Module, o: DemoTrainOptions = {}): Promise<number[]> {
  const { steps = 12, batchSize = 8, batches = 2, lr = 3e-3, seed = 1 } = o;
  manualSeed(seed);
  const { frames, size } = DEMO_CLIP;
  const data = Array.from({ length: batches }, (_, b) => demoClips(batchSize, seed * 100 + b));
  const losses: number[] = [];
  const loader = {
    length: batches,
    async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
      for (const d of data) {
        // Give the page a chance to paint the last loss before the next (blocking) step.
        await new Promise((r) => setTimeout(r, 0));
        yield { video: Tensor.from(d.video, [batchSize, 3, frames, size, size]), label: Tensor.from(d.label, [batchSize], { dtype: 'i32' }) };
      }
    },
  };
  const trainer = new Trainer({
    model, optimizer: 'adamw', lr, weightDecay: 1e-4, schedule: 'constant', maxSteps: steps, epochs: Math.ceil(steps / batches),
    trainLoader: loader, onProgress: (p) => { losses.push(p.loss); o.onStep?.(p.step, p.loss); },
  });
  try {
    await trainer.fit({ resume: false });
  } finally {
    trainer.optimizer.dispose();
  }
  return losses;
}

export interface Prediction { label: string; index: number; prob: number; probs: number[] }

/** Class probabilities of one clip (f32 values [3, T, S, S]), in eval mode. */
export function classifyClip(model: Module, clip: Float32Array): Prediction {
  const { frames, size } = DEMO_CLIP;
  const wasTraining = model.training;
  model.eval();
  try {
    const probs = tidy(() => noGrad(() => {
      const x = Tensor.from(clip, [1, 3, frames, size, size]);
      return Array.from(F.softmax(model.forward(x) as Tensor, 1).toArray());
    }));
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
    return { label: DEMO_CLASSES[best], index: best, prob: probs[best], probs };
  } finally {
    model.train(wasTraining);
  }
}
