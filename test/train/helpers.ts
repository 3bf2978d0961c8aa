// In-memory loaders for the trainer tests: arrays of plain numbers turned into fresh tensors on
// every iteration (the trainer disposes the batches it is given), with `length` and `setEpoch`.
import { Tensor, nn, ops, type train } from '../../ts/node.js';

export interface RawBatch { video: Float32Array; shape: number[]; label: Int32Array | Float32Array; labelShape?: number[]; videoIndex?: number[] }

/** A loader over fixed raw batches; the order within an epoch is a permutation seeded by the epoch. */
export function memoryLoader(batches: RawBatch[], opts: { shuffle?: boolean } = {}): train.Loader {
  let epoch = 0;
  return {
    length: batches.length,
    setEpoch(e: number) { epoch = e; },
    *[Symbol.iterator]() {
      const order = batches.map((_, i) => i);
      if (opts.shuffle) {
        // Own small LCG: the loader must not touch vidwasm's generator.
        let s = (epoch * 2654435761 + 12345) >>> 0;
        for (let i = order.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      for (const i of order) {
        const b = batches[i];
        const label = b.label instanceof Int32Array ? Tensor.from(b.label, [b.label.length], { dtype: 'i32' }) : Tensor.from(b.label, b.labelShape);
        const out: train.Batch = { video: Tensor.from(b.video, b.shape), label };
        if (b.videoIndex) out.video_index = b.videoIndex;
        yield out;
      }
    },
  } as train.Loader;
}

/** A deterministic pseudo-random stream (independent of vidwasm's generator). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/**
 * A learnable toy task: clips [N, C, T, H, W] whose class is which channel carries a bright
 * blob (plus noise). `count` batches of `n` clips.
 */
export function toyBatches(count: number, n: number, classes: number, shape = [3, 2, 8, 8], seed = 1): RawBatch[] {
  const r = lcg(seed);
  const [C, T, H, W] = shape, per = C * T * H * W;
  const out: RawBatch[] = [];
  for (let b = 0; b < count; b++) {
    const video = new Float32Array(n * per), label = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const y = Math.floor(r() * classes);
      label[i] = y;
      for (let j = 0; j < per; j++) video[i * per + j] = (r() - 0.5) * 0.5;
      const c = y % C, half = y >= C ? 1 : 0;
      for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) for (let w = half * (W / 2); w < (half + 1) * (W / 2); w++) video[i * per + ((c * T + t) * H + h) * W + w] += 1;
    }
    out.push({ video, shape: [n, C, T, H, W], label });
  }
  return out;
}

/** A small 3-D conv net (conv, BN, ReLU, global pool, dropout, linear) for loop tests. */
export class TinyNet extends nn.Module {
  conv: nn.Conv3d; bn: nn.BatchNorm3d; fc: nn.Linear; drop: nn.Dropout;
  constructor(classes: number, width = 8, dropout = 0) {
    super();
    this.conv = this.registerModule('conv', new nn.Conv3d(3, width, [1, 3, 3], { padding: [0, 1, 1], bias: false }));
    this.bn = this.registerModule('bn', new nn.BatchNorm3d(width));
    this.drop = this.registerModule('drop', new nn.Dropout(dropout));
    this.fc = this.registerModule('fc', new nn.Linear(width, classes));
  }
  override forward(x: Tensor): Tensor {
    const h = ops.relu(this.bn.forward(this.conv.forward(x)));
    const pooled = ops.mean(h, [2, 3, 4]);
    return this.fc.forward(this.drop.forward(pooled));
  }
}
