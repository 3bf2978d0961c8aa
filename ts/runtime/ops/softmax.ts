// softmax / logSoftmax over one dim (torch.softmax semantics), on any layout, with gradients.
// The kernel sees the tensor's storage as [outer, r, inner] around the normalised dim, so a
// channels-last tensor normalised over C (or logits over their last dim) is the fast inner = 1.
import { Tensor, layoutPerm } from '../tensor.js';
import { record, gradRules } from '../tape.js';
import { expectTensor, normDim } from './util.js';
import * as vw from '../kernels.gen.js';

/** [outer, r, inner] of x's storage around shape dim d. */
export function storageSplit(x: Tensor, d: number): [number, number, number] {
  const perm = layoutPerm(x.rank, x.layout);
  const pos = perm.indexOf(d);
  const sizes = perm.map((p) => x.shape[p]);
  const prod = (a: number[]) => a.reduce((p, v) => p * v, 1);
  return [prod(sizes.slice(0, pos)), sizes[pos] ?? 1, prod(sizes.slice(pos + 1))];
}

function softmaxImpl(op: 'softmax' | 'logSoftmax', x: Tensor, dim: number): Tensor {
  expectTensor(op, 'input', x);
  const d = normDim(op, dim, x.rank);
  const y = Tensor.empty(x.shape, 'f32', x.layout);
  if (x.size > 0) {
    const [outer, r, inner] = x.rank === 0 ? [1, 1, 1] : storageSplit(x, d);
    vw.f32_softmax(x.ptr, y.ptr, outer, r, inner, op === 'logSoftmax' ? 1 : 0);
  }
  return record(op, [x], y, { d });
}

/** softmax(x) along dim (default: the last dim). */
export function softmax(x: Tensor, dim = -1): Tensor { return softmaxImpl('softmax', x, dim); }
/** log(softmax(x)) along dim, computed as x - logsumexp(x) (no log of small numbers). */
export function logSoftmax(x: Tensor, dim = -1): Tensor { return softmaxImpl('logSoftmax', x, dim); }

function softmaxGrad(log: number) {
  return (gy: Tensor, node: { saved: Record<string, unknown> }, y: Tensor): Tensor[] => {
    const g = gy.layout === y.layout ? gy : gy.toLayout(y.layout);
    const gx = Tensor.empty(y.shape, 'f32', y.layout);
    if (y.size > 0) {
      const [outer, r, inner] = y.rank === 0 ? [1, 1, 1] : storageSplit(y, node.saved.d as number);
      vw.f32_softmax_grad(y.ptr, g.ptr, gx.ptr, outer, r, inner, log);
    }
    if (g !== gy) g.dispose();
    return [gx];
  };
}
gradRules.softmax = softmaxGrad(0);
gradRules.logSoftmax = softmaxGrad(1);
