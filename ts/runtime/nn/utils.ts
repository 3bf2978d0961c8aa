// nn.utils: gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).
import { Tensor } from '../tensor.js';
import { ArgumentError, VidwasmError } from '../errors.js';
import * as vw from '../kernels.gen.js';

function gradsOf(params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null && !g.isDisposed);
}

/**
 * Scales all gradients in place so that their joint norm (as if concatenated) is at most
 * maxNorm, and returns that norm before clipping. Like PyTorch, grads are multiplied by
 * min(1, maxNorm / (norm + 1e-6)) unconditionally.
 */
export function clipGradNorm_(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2,
  opts: { errorIfNonfinite?: boolean } = {}): number {
  if (!(normType > 0)) throw new ArgumentError(`clipGradNorm_: normType must be positive, got ${normType}`);
  const grads = gradsOf(params);
  if (grads.length === 0) return 0;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) {
      const m = vw.f32_absmax(g.ptr, g.size);
      total = Number.isNaN(m) || Number.isNaN(total) ? NaN : Math.max(total, m);
    }
  } else if (normType === 2) {
    let sq = 0;
    for (const g of grads) sq += vw.f32_sumsq(g.ptr, g.size);
    total = Math.sqrt(sq);
  } else {
    let acc = 0;
    for (const g of grads) {
      const v = g.data() as Float32Array;
      for (let i = 0; i < v.length; i++) acc += Math.abs(v[i]) ** normType;
    }
    total = acc ** (1 / normType);
  }
  total = Math.fround(total);
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new VidwasmError('E_NONFINITE', `clipGradNorm_: the total norm of order ${normType} of the gradients is non-finite (${total}), so it cannot be clipped`);
  }
  const coef = Math.min(1, maxNorm / (total + 1e-6));
  for (const g of grads) vw.f32_scale_inplace(g.ptr, g.size, coef);
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue], in place. */
export function clipGradValue_(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  for (const g of gradsOf(params)) {
    const v = g.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = Math.min(clipValue, Math.max(-clipValue, v[i]));
  }
}
