// The method forms of the ops (x.add(y), x.sum(), x.backward(), ...), installed on Tensor's
// prototype when the ops load (ops/index.ts imports this file), as tfjs-core's setOpHandler
// does: tensor.ts imports no op, so the ops can import Tensor without a circle. The types are
// declared on the class (tensor.ts); this is the one place that binds them.
import { Tensor } from '../tensor.js';
import { backward } from '../autograd.js';
import { add, sub, mul, div, neg, relu, sigmoid, tanh, exp, log, sqrt } from './elementwise.js';
import { sum, mean } from './reduce.js';
import { reshape, flatten, toLayout, clone, cast } from './shape.js';

type Methods = Pick<Tensor, 'add' | 'sub' | 'mul' | 'div' | 'neg' | 'relu' | 'sigmoid' | 'tanh' | 'exp' | 'log' | 'sqrt'
  | 'sum' | 'mean' | 'reshape' | 'view' | 'flatten' | 'contiguous' | 'toLayout' | 'clone' | 'cast' | 'backward'>;

const methods: Methods & ThisType<Tensor> = {
  add(o) { return add(this, o); },
  sub(o) { return sub(this, o); },
  mul(o) { return mul(this, o); },
  div(o) { return div(this, o); },
  neg() { return neg(this); },
  relu() { return relu(this); },
  sigmoid() { return sigmoid(this); },
  tanh() { return tanh(this); },
  exp() { return exp(this); },
  log() { return log(this); },
  sqrt() { return sqrt(this); },
  sum(dim, keepdim = false) { return sum(this, dim, keepdim); },
  mean(dim, keepdim = false) { return mean(this, dim, keepdim); },
  reshape(shape) { return reshape(this, shape); },
  view(shape) { return reshape(this, shape); },
  flatten(startDim = 0, endDim = -1) { return flatten(this, startDim, endDim); },
  contiguous() { return toLayout(this, 'contiguous'); },
  toLayout(layout) { return toLayout(this, layout); },
  clone() { return clone(this); },
  cast(dtype) { return cast(this, dtype); },
  backward(gradOutput, opts = {}) { backward(this, gradOutput, opts); },
};

// Non-enumerable, like methods written in the class body.
for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
}
