// hardswish(x) = x * relu6(x + 3) / 6 (torch.nn.functional.hardswish), forward and gradient.
// A stop-gap until the runtime has ops.hardswish / nn.Hardswish kernels: when they land, the
// body of hardswish() becomes `return ops.hardswish(x)` and the grad rule below goes away.
import { Tensor, nn, ops, DTypeError } from '../../runtime/index.js';
import { record, gradRules } from '../../runtime/autograd.js';

export function hardswish(x: Tensor): Tensor {
  if (!(x instanceof Tensor) || x.dtype !== 'f32') throw new DTypeError(`hardswish: expected an f32 tensor, got ${x instanceof Tensor ? x.describe() : typeof x}`);
  const y = Tensor.empty(x.shape, 'f32', x.layout);
  const xs = x.data() as Float32Array, ys = y.data() as Float32Array;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    ys[i] = v <= -3 ? 0 : v >= 3 ? v : (v * (v + 3)) / 6;
  }
  return record('accelerator_hardswish', [x], y, { x });
}

// PyTorch's hardswish_backward: 0 below -3, (2x + 3) / 6 on [-3, 3], 1 above 3.
gradRules.accelerator_hardswish = (gy0, node) => {
  const x = node.saved.x as Tensor;
  const gy = ops.toLayout(gy0, x.layout);
  const gx = Tensor.empty(x.shape, 'f32', x.layout);
  const xs = x.data() as Float32Array, gs = gy.data() as Float32Array, out = gx.data() as Float32Array;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    out[i] = v < -3 ? 0 : v <= 3 ? (gs[i] * (2 * v + 3)) / 6 : gs[i];
  }
  if (gy !== gy0) gy.dispose();
  return [gx];
};

/** torch.nn.Hardswish. */
export class Hardswish extends nn.Module {
  override forward(x: Tensor): Tensor { return hardswish(x); }
}
