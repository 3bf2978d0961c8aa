// Video samplers: which video comes next (torch.utils.data's Sequential/Random/Distributed
// samplers, over video indices). Randomness comes from vidwasm's seeded generator
// (xoshiro128**), each sampler owning its own instance so a sampler's order never depends on
// how many random numbers the transforms drew.
import { ArgumentError } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';

/** An ordered, finite source of video indices for one epoch; iterate it again for the next. */
export interface VideoSampler extends Iterable<number> {
  /** How many indices one pass yields. */
  readonly length: number;
  /** DistributedSampler.set_epoch: reshuffles the next pass with seed + epoch. */
  setEpoch?(epoch: number): void;
}

/** A generator like vidwasm's global one, but private to its owner. */
export type Generator = typeof random;
export function makeGenerator(seed: number): Generator {
  const Rng = random.constructor as new (seed: number) => Generator;
  return new Rng(seed >>> 0);
}

/** Fisher-Yates permutation of 0..n-1 drawn from g. */
export function randperm(n: number, g: Generator): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

function checkCount(who: string, n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new ArgumentError(`${who}: number of videos must be an integer >= 0, got ${n}`);
}

export class SequentialSampler implements VideoSampler {
  constructor(readonly length: number) { checkCount('SequentialSampler', length); }
  *[Symbol.iterator](): Iterator<number> { for (let i = 0; i < this.length; i++) yield i; }
}

/**
 * A fresh permutation every pass. With a seed the sequence of permutations is reproducible
 * (pass k is the same for the same seed); without one, the seed is drawn from vidwasm's global
 * generator (so manualSeed() makes it reproducible too).
 */
export class RandomSampler implements VideoSampler {
  private readonly g: Generator;
  constructor(readonly length: number, opts: { seed?: number } = {}) {
    checkCount('RandomSampler', length);
    this.g = makeGenerator(opts.seed ?? random.nextU32());
  }
  *[Symbol.iterator](): Iterator<number> { yield* randperm(this.length, this.g); }
}

export interface DistributedSamplerOptions {
  /** torch's num_replicas. */
  worldSize: number;
  rank: number;
  /** Default true. */
  shuffle?: boolean;
  /** Every rank must use the same seed. Default 0. */
  seed?: number;
  /** Drop the tail so shards are equal, instead of padding with repeated indices. Default false. */
  dropLast?: boolean;
}

/**
 * torch.utils.data.DistributedSampler over video indices: each rank gets every worldSize-th
 * index of one shared order (a permutation seeded by seed + epoch when shuffling), padded by
 * wrapping around so all ranks get the same count (or trimmed with dropLast).
 */
export class DistributedSampler implements VideoSampler {
  readonly worldSize: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly length: number;
  private readonly totalSize: number;
  epoch = 0;

  constructor(readonly numVideos: number, opts: DistributedSamplerOptions) {
    checkCount('DistributedSampler', numVideos);
    const { worldSize, rank } = opts;
    if (!(Number.isInteger(worldSize) && worldSize > 0)) throw new ArgumentError(`DistributedSampler: worldSize must be a positive integer, got ${worldSize}`);
    if (!(Number.isInteger(rank) && rank >= 0 && rank < worldSize)) throw new ArgumentError(`DistributedSampler: rank must be in [0, ${worldSize - 1}], got ${rank}`);
    this.worldSize = worldSize; this.rank = rank;
    this.shuffle = opts.shuffle ?? true; this.seed = opts.seed ?? 0; this.dropLast = opts.dropLast ?? false;
    this.length = this.dropLast && numVideos % worldSize !== 0 ? Math.floor(numVideos / worldSize) : Math.ceil(numVideos / worldSize);
    this.totalSize = this.length * worldSize;
  }

  setEpoch(epoch: number): void { this.epoch = epoch; }

  /** This rank's indices for the current epoch. */
  indices(): number[] {
    let order = this.shuffle ? randperm(this.numVideos, makeGenerator(this.seed + this.epoch)) : Array.from({ length: this.numVideos }, (_, i) => i);
    if (!this.dropLast) {
      // Wrap around (repeating the whole order if needed) until the size divides evenly.
      const pad: number[] = [];
      while (order.length + pad.length < this.totalSize && order.length > 0) pad.push(...order.slice(0, this.totalSize - order.length - pad.length));
      order = order.concat(pad);
    } else order = order.slice(0, this.totalSize);
    const mine: number[] = [];
    for (let i = this.rank; i < this.totalSize; i += this.worldSize) mine.push(order[i]);
    return mine;
  }

  *[Symbol.iterator](): Iterator<number> { yield* this.indices(); }
}

/** How a dataset is told its video order: a name, a sampler, or a factory given the count. */
export type VideoSamplerOption = 'random' | 'sequential' | VideoSampler | ((numVideos: number) => VideoSampler);

export function resolveVideoSampler(opt: VideoSamplerOption | undefined, numVideos: number, seed?: number): VideoSampler {
  const o = opt ?? 'random'; // PyTorchVideo's default is torch's RandomSampler
  if (o === 'random') return new RandomSampler(numVideos, { seed });
  if (o === 'sequential') return new SequentialSampler(numVideos);
  if (typeof o === 'function') return o(numVideos);
  if (o && typeof (o as VideoSampler)[Symbol.iterator] === 'function') return o as VideoSampler;
  throw new ArgumentError(`videoSampler: expected 'random', 'sequential', a sampler or a factory, got ${String(o)}`);
}
