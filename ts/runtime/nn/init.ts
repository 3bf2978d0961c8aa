// Weight initialisers (torch.nn.init), in place, drawing from vidwasm's seeded generator
// (`manualSeed`). The distributions are PyTorch's; the values are not (different RNG).
import type { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { random } from '../random.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

function f32(t: Tensor, fn: string): Float32Array {
  if (t.dtype !== 'f32') throw new ArgumentError(`init.${fn}: needs an f32 tensor, got ${t.describe()}`);
  return t.data() as Float32Array;
}

/** Recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new ArgumentError(`init.calculateGain: unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field (PyTorch's rule). */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.rank < 2) throw new ShapeError(`init: fan in and fan out need a tensor with at least 2 dims, got ${fmtShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  const v = f32(t, 'uniform_');
  for (let i = 0; i < v.length; i++) v[i] = a + (b - a) * random.uniform();
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  const v = f32(t, 'normal_');
  for (let i = 0; i < v.length; i++) v[i] = mean + std * random.normal();
  return t;
}

/** Normal(mean, std) resampled until inside [a, b] (torch.nn.init.trunc_normal_, used by MViT). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  if (!(a < b)) throw new ArgumentError(`init.truncNormal_: need a < b, got [${a}, ${b}]`);
  const v = f32(t, 'truncNormal_');
  for (let i = 0; i < v.length; i++) {
    let x: number;
    // Rejection sampling: fine for the usual bounds (within a few std of the mean).
    let tries = 0;
    do { x = mean + std * random.normal(); } while ((x < a || x > b) && ++tries < 1000);
    v[i] = Math.min(b, Math.max(a, x));
  }
  return t;
}

export function constant_(t: Tensor, value: number): Tensor { t.data().fill(value); return t; }
export function zeros_(t: Tensor): Tensor { return constant_(t, 0); }
export function ones_(t: Tensor): Tensor { return constant_(t, 1); }

function fan(t: Tensor, mode: FanMode, fn: string): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ArgumentError(`init.${fn}: mode must be 'fan_in' or 'fan_out', got ${String(mode)}`);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

export interface KaimingOptions { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity }

/** U(-bound, bound), bound = gain * sqrt(3 / fan) (He et al.; torch.nn.init.kaiming_uniform_). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const f = fan(t, opts.mode ?? 'fan_in', 'kaimingUniform_');
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(f));
  return uniform_(t, -bound, bound);
}

/** N(0, std^2), std = gain / sqrt(fan) (torch.nn.init.kaiming_normal_; PyTorchVideo's c2_msra_fill is mode 'fan_out', 'relu'). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const f = fan(t, opts.mode ?? 'fan_in', 'kaimingNormal_');
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(f));
}

export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/**
 * PyTorch's default init of conv and linear layers (their reset_parameters): weight
 * kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias from the same range.
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
