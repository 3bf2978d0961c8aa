// RandAugment and AugMix for videos [T, C, H, W] (pytorchvideo.transforms.rand_augment / augmix,
// built on augmentations.AugmentTransform), with vidwasm's seeded generator. Like the other
// transform forms they consume their input (dispose it when they return a new tensor).
import { Tensor } from '../../runtime/tensor.js';
import { ArgumentError } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';
import * as A from './augmentations.js';
import { sampleGamma, sampleBeta } from './mix.js';
import { sampleIndices } from './transforms.js';

/** Maximum magnitude level (pytorchvideo _AUGMENTATION_MAX_LEVEL). */
export const AUGMENTATION_MAX_LEVEL = 10;

type Fill = readonly number[];
type AugFn = (v: Tensor, arg: number | undefined, fill: Fill) => Tensor;
const NAME_TO_TRANSFORM_FUNC: Record<string, AugFn> = {
  AdjustBrightness: (v, a) => A.adjustBrightness(v, a!),
  AdjustContrast: (v, a) => A.adjustContrast(v, a!),
  AdjustSaturation: (v, a) => A.adjustSaturation(v, a!),
  AdjustSharpness: (v, a) => A.adjustSharpness(v, a!),
  AutoContrast: (v) => A.autocontrast(v),
  Equalize: (v) => A.equalize(v),
  Invert: (v) => A.invert(v),
  Rotate: (v, a, fill) => A.rotate(v, a!, fill),
  Posterize: (v, a) => (a! >= 8 ? copy(v) : A.posterize(v, a!)),
  Solarize: (v, a) => A.solarize(v, a!),
  ShearX: (v, a, fill) => A.shearX(v, a!, fill),
  ShearY: (v, a, fill) => A.shearY(v, a!, fill),
  TranslateX: (v, a, fill) => A.translateX(v, a!, fill),
  TranslateY: (v, a, fill) => A.translateY(v, a!, fill),
};
function copy(v: Tensor): Tensor { const o = Tensor.empty(v.shape, v.dtype); o.data().set(v.data() as never); return o; }

type LevelFn = (level: number, p: readonly [number, number]) => number;
const negate = (m: number) => (random.uniform() > 0.5 ? m : -m);
export const increasingRandomlyNegateToArg: LevelFn = (l, p) => p[0] + negate((l / AUGMENTATION_MAX_LEVEL) * p[1]);
export const increasingMagnitudeToArg: LevelFn = (l, p) => p[0] + (l / AUGMENTATION_MAX_LEVEL) * p[1];
export const decreasingIntToArg: LevelFn = (l, p) => p[0] - Math.trunc((l / AUGMENTATION_MAX_LEVEL) * p[1]);
export const decreasingToArg: LevelFn = (l, p) => p[0] - (l / AUGMENTATION_MAX_LEVEL) * p[1];

const RANDAUG_LEVEL_TO_ARG: Record<string, LevelFn | null> = {
  AdjustBrightness: increasingRandomlyNegateToArg, AdjustContrast: increasingRandomlyNegateToArg,
  AdjustSaturation: increasingRandomlyNegateToArg, AdjustSharpness: increasingRandomlyNegateToArg,
  AutoContrast: null, Equalize: null, Invert: null, Rotate: increasingRandomlyNegateToArg,
  Posterize: decreasingIntToArg, Solarize: decreasingToArg, ShearX: increasingRandomlyNegateToArg,
  ShearY: increasingRandomlyNegateToArg, TranslateX: increasingRandomlyNegateToArg, TranslateY: increasingRandomlyNegateToArg,
};
export const TRANSFORM_RANDAUG_MAX_PARAMS: Record<string, readonly [number, number] | null> = {
  AdjustBrightness: [1, 0.9], AdjustContrast: [1, 0.9], AdjustSaturation: [1, 0.9], AdjustSharpness: [1, 0.9],
  AutoContrast: null, Equalize: null, Invert: null, Rotate: [0, 30], Posterize: [4, 4], Solarize: [1, 1],
  ShearX: [0, 0.3], ShearY: [0, 0.3], TranslateX: [0, 0.45], TranslateY: [0, 0.45],
};
const AUGMIX_LEVEL_TO_ARG: Record<string, LevelFn | null> = {
  AutoContrast: null, Equalize: null, Rotate: increasingRandomlyNegateToArg, Posterize: decreasingIntToArg,
  Solarize: decreasingToArg, ShearX: increasingRandomlyNegateToArg, ShearY: increasingRandomlyNegateToArg,
  TranslateX: increasingRandomlyNegateToArg, TranslateY: increasingRandomlyNegateToArg,
  AdjustSaturation: increasingMagnitudeToArg, AdjustContrast: increasingMagnitudeToArg,
  AdjustBrightness: increasingMagnitudeToArg, AdjustSharpness: increasingMagnitudeToArg,
};
export const TRANSFORM_AUGMIX_MAX_PARAMS: Record<string, readonly [number, number] | null> = {
  AutoContrast: null, Equalize: null, Rotate: [0, 30], Posterize: [4, 4], Solarize: [1, 1], ShearX: [0, 0.3],
  ShearY: [0, 0.3], TranslateX: [0, 1 / 3], TranslateY: [0, 1 / 3], AdjustSaturation: [0.1, 1.8],
  AdjustContrast: [0.1, 1.8], AdjustBrightness: [0.1, 1.8], AdjustSharpness: [0.1, 1.8],
};

export interface SamplingHparas { samplingStd?: number; samplingDataType?: 'int' | 'float'; samplingMin?: number }
export interface AugmentTransformOptions {
  magnitude?: number; prob?: number; levelToArg?: Record<string, LevelFn | null>;
  transformMaxParas?: Record<string, readonly [number, number] | null>;
  transformHparas?: { fill: Fill }; samplingType?: 'gaussian' | 'uniform'; samplingHparas?: SamplingHparas;
}

/**
 * One named augmentation applied with probability `prob` at a sampled magnitude
 * (pytorchvideo AugmentTransform). `apply(video)` does not consume its input.
 */
export function AugmentTransform(transformName: string, opts: AugmentTransformOptions = {}) {
  const fn = NAME_TO_TRANSFORM_FUNC[transformName];
  if (!fn) throw new ArgumentError(`AugmentTransform: unknown transform '${transformName}' (known: ${Object.keys(NAME_TO_TRANSFORM_FUNC).join(', ')})`);
  const magnitude = opts.magnitude ?? 10, prob = opts.prob ?? 0.5, samplingType = opts.samplingType ?? 'gaussian';
  if (samplingType !== 'gaussian' && samplingType !== 'uniform') throw new ArgumentError(`AugmentTransform: samplingType must be 'gaussian' or 'uniform', got '${String(samplingType)}'`);
  const hp = opts.samplingHparas ?? { samplingStd: 0.5 };
  if (samplingType === 'gaussian' && hp.samplingStd === undefined) throw new ArgumentError('AugmentTransform: gaussian sampling needs samplingHparas.samplingStd');
  const fill = opts.transformHparas?.fill ?? [0.5, 0.5, 0.5];
  const levelFn = (opts.levelToArg ?? RANDAUG_LEVEL_TO_ARG)[transformName] ?? null;
  const levelParas = (opts.transformMaxParas ?? TRANSFORM_RANDAUG_MAX_PARAMS)[transformName] ?? null;
  const getMagnitude = (): number => {
    if (samplingType === 'gaussian') return Math.max(0, Math.min(AUGMENTATION_MAX_LEVEL, magnitude + hp.samplingStd! * random.normal()));
    if ((hp.samplingDataType ?? 'int') === 'int') return random.int(magnitude + 1);
    const lo = hp.samplingMin ?? 0.1;
    return random.uniform() * (magnitude - lo) + lo;
  };
  /** The augmented video, or `video` itself when the coin says skip. */
  const apply = (video: Tensor): Tensor => {
    if (random.uniform() > prob) return video;
    const level = getMagnitude();
    const arg = levelFn && levelParas ? levelFn(level, levelParas) : undefined;
    return fn(video, arg, fill);
  };
  return Object.assign(apply, { transformName, magnitude, prob });
}

/** Runs the chosen augmentations in turn, disposing intermediates (never `video` itself). */
function chain(video: Tensor, ops: ((v: Tensor) => Tensor)[]): Tensor {
  let cur = video;
  for (const op of ops) {
    const next = op(cur);
    if (next !== cur && cur !== video) cur.dispose();
    cur = next;
  }
  return cur;
}

export interface RandAugmentOptions {
  magnitude?: number; numLayers?: number; prob?: number; samplingType?: 'gaussian' | 'uniform'; samplingHparas?: SamplingHparas;
}
/** RandAugment(magnitude=9, numLayers=2, prob=0.5, samplingType='gaussian') on [T, C, H, W]. */
export function RandAugment(optsOrMagnitude: RandAugmentOptions | number = {}, numLayersArg?: number, probArg?: number,
  samplingTypeArg?: 'gaussian' | 'uniform', samplingHparasArg?: SamplingHparas) {
  const opts: RandAugmentOptions = typeof optsOrMagnitude === 'number'
    ? { magnitude: optsOrMagnitude, numLayers: numLayersArg, prob: probArg, samplingType: samplingTypeArg, samplingHparas: samplingHparasArg } : optsOrMagnitude;
  const samplingType = opts.samplingType ?? 'gaussian';
  const augs = Object.keys(TRANSFORM_RANDAUG_MAX_PARAMS).map((name) => AugmentTransform(name, {
    magnitude: opts.magnitude ?? 9, prob: opts.prob ?? 0.5, transformMaxParas: TRANSFORM_RANDAUG_MAX_PARAMS,
    samplingType, samplingHparas: opts.samplingHparas ?? { samplingStd: 0.5 },
  }));
  const layers = opts.numLayers ?? 2;
  if (!(layers > 0 && layers <= augs.length)) throw new ArgumentError(`RandAugment: numLayers must be in [1, ${augs.length}], got ${layers}`);
  const fn = (video: Tensor): Tensor => {
    const idx = sampleIndices(augs.map(() => 1), layers, false);
    fn.lastOps = idx.map((i) => augs[i].transformName);
    const out = chain(video, idx.map((i) => augs[i]));
    if (out !== video) video.dispose();
    return out;
  };
  fn.lastOps = [] as string[];
  return fn;
}

/** Dirichlet([alpha] * k) via normalised Gamma draws. */
export function sampleDirichlet(alpha: number, k: number): number[] {
  const g = Array.from({ length: k }, () => sampleGamma(alpha));
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((x) => x / s);
}

export interface AugMixOptions {
  magnitude?: number; alpha?: number; width?: number; depth?: number; transformHparas?: { fill: Fill }; samplingHparas?: SamplingHparas;
}
/** AugMix(magnitude=3, alpha=1.0, width=3, depth=-1) on [T, C, H, W] (u8 or f32). */
export function AugMix(optsOrMagnitude: AugMixOptions | number = {}, alphaArg?: number, widthArg?: number, depthArg?: number) {
  const opts: AugMixOptions = typeof optsOrMagnitude === 'number'
    ? { magnitude: optsOrMagnitude, alpha: alphaArg, width: widthArg, depth: depthArg } : optsOrMagnitude;
  const magnitude = opts.magnitude ?? 3, alpha = opts.alpha ?? 1.0, width = opts.width ?? 3, depth = opts.depth ?? -1;
  if (!(Number.isInteger(magnitude) && magnitude >= 1 && magnitude <= AUGMENTATION_MAX_LEVEL)) throw new ArgumentError(`AugMix: magnitude must be an integer in [1, ${AUGMENTATION_MAX_LEVEL}], got ${magnitude}`);
  if (!(alpha > 0)) throw new ArgumentError(`AugMix: alpha must be > 0, got ${alpha}`);
  if (!(width > 0)) throw new ArgumentError(`AugMix: width must be > 0, got ${width}`);
  const augs = Object.keys(TRANSFORM_AUGMIX_MAX_PARAMS).map((name) => AugmentTransform(name, {
    magnitude, prob: 1.0, levelToArg: AUGMIX_LEVEL_TO_ARG, transformMaxParas: TRANSFORM_AUGMIX_MAX_PARAMS,
    transformHparas: opts.transformHparas, samplingType: 'uniform',
    samplingHparas: opts.samplingHparas ?? { samplingDataType: 'float', samplingMin: 0.1 },
  }));
  const fn = (video: Tensor): Tensor => {
    const weights = sampleDirichlet(alpha, width).map(Math.fround);
    const m = sampleBeta(alpha, alpha);
    fn.lastWeights = weights; fn.lastM = m;
    const mixed = new Float32Array(video.size);
    for (const mw of weights) {
      // OpSampler(num_sample_op=depth or a random 1..3, replacement=True)
      const n = depth > 0 ? depth : 1 + random.int(3);
      const idx = sampleIndices(augs.map(() => 1), n, true);
      const aug = chain(video, idx.map((i) => augs[i]));
      const a = aug.data();
      for (let i = 0; i < mixed.length; i++) mixed[i] = Math.fround(mixed[i] + Math.fround(mw * a[i]));
      if (aug !== video) aug.dispose();
    }
    const out = Tensor.empty(video.shape, video.dtype);
    const o = out.data(), s = video.data();
    const mf = Math.fround(m), m1 = Math.fround(1 - m);
    for (let i = 0; i < mixed.length; i++) {
      const v = Math.fround(Math.fround(mf * s[i]) + Math.fround(m1 * mixed[i]));
      o[i] = video.dtype === 'u8' ? Math.trunc(v) & 255 : v;
    }
    video.dispose();
    return out;
  };
  fn.lastWeights = [] as number[]; fn.lastM = NaN;
  return fn;
}
