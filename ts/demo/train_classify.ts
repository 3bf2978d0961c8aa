// The demo network at work without files: a few training steps on clips generated in memory (the
// browser page's Train button), scored as it learns on held-out clips (accuracy and confusion
// matrix), and the class probabilities of one clip (the page's drop zone and the Node demo's
// fresh clip). DOM-free and host-free: runs in Node too.
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
  /** Distinct batches cycled through (default 2: a few steps visibly lower the loss; = steps: fresh clips every step). */
  batches?: number;
  lr?: number;
  seed?: number;
  onStep?: (step: number, loss: number) => void;
  /** Held-out clips scored after every `evalEvery` steps (default 0: none). */
  heldOut?: number;
  evalEvery?: number;
  onEval?: (e: Evaluation) => void;
}

/** Accuracy on held-out clips and their confusion matrix (rows: true class, columns: predicted). */
export interface Evaluation { step: number; accuracy: number; confusion: number[][] }

/** The seed of training batch `b` (demoClips(batchSize, seed); clip i of it is renderClip(i % 4, seed * 1000 + i)). */
export const batchSeed = (seed: number, b: number): number => seed * 100 + b;
/**
 * The browser page's run: a fresh batch of 8 clips every step (the page passes batches = steps),
 * so what the held-out clips (32, scored every 5 steps) measure is learning, not memory: the
 * held-out accuracy leaves chance after ~40 steps and reaches ~80% by step 60 (Node, seed 1).
 */
export const PAGE_TRAINING = { steps: 60, batchSize: 8, heldOut: 32, evalEvery: 5, seed: 1 } as const;

/** Held-out clips come from their own seed (training batches use seed * 100 + b: disjoint for any seed >= 1). */
const HELD_OUT_SEED = 7;

/** Scores the model on clips {video, label} (eval mode, restored after): accuracy and confusion matrix. */
export function evaluateDemo(model: Module, set: { video: Float32Array; label: Int32Array }, step = 0): Evaluation {
  const { frames, size } = DEMO_CLIP, n = set.label.length, k = DEMO_CLASSES.length;
  const wasTraining = model.training;
  model.eval();
  try {
    const logits = tidy(() => noGrad(() => (model.forward(Tensor.from(set.video, [n, 3, frames, size, size])) as Tensor).toArray() as Float32Array));
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let hits = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[i * k + c] > logits[i * k + best]) best = c;
      confusion[set.label[i]][best]++;
      if (best === set.label[i]) hits++;
    }
    return { step, accuracy: hits / n, confusion };
  } finally {
    model.train(wasTraining);
  }
}

/** Trains the model for a few steps with the Trainer (AdamW, constant lr); returns the loss per step. */
export async function trainDemo(model: Module, o: DemoTrainOptions = {}): Promise<number[]> {
  const { steps = 12, batchSize = 8, batches = 2, lr = 3e-3, seed = 1, heldOut = 0, evalEvery = 1 } = o;
  manualSeed(seed);
  const { frames, size } = DEMO_CLIP;
  const held = heldOut > 0 ? demoClips(heldOut, HELD_OUT_SEED) : null;
  const losses: number[] = [];
  const loader = {
    length: batches,
    async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
      for (let b = 0; b < batches; b++) {
        // Give the page a chance to paint the last loss before the next (blocking) step.
        await new Promise((r) => setTimeout(r, 0));
        const d = demoClips(batchSize, batchSeed(seed, b)); // rendered when needed: a long run never holds them all
        yield { video: Tensor.from(d.video, [batchSize, 3, frames, size, size]), label: Tensor.from(d.label, [batchSize], { dtype: 'i32' }) };
      }
    },
  };
  const trainer = new Trainer({
    model, optimizer: 'adamw', lr, weightDecay: 1e-4, schedule: 'constant', maxSteps: steps, epochs: Math.ceil(steps / batches),
    trainLoader: loader,
    onProgress: (p) => {
      losses.push(p.loss);
      o.onStep?.(p.step, p.loss);
      if (held && (p.step % evalEvery === 0 || p.step === steps)) o.onEval?.(evaluateDemo(model, held, p.step));
    },
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
