// Numeric assertions and test utilities shared by every test file.
import * as assert from 'uvu/assert';
import { Tensor, setBackend, getBackend, tidy, type KernelBackend } from '../../ts/node.js';

type Arr = ArrayLike<number>;

/**
 * Asserts |a - e| <= atol + rtol * |e| elementwise (numpy.allclose), reporting the worst
 * element. NaNs must match NaNs.
 */
export function assertClose(actual: Arr | Tensor, expected: Arr | Tensor, opts: { rtol?: number; atol?: number } = {}, msg = ''): void {
  const a = actual instanceof Tensor ? actual.toArray() : actual;
  const e = expected instanceof Tensor ? expected.toArray() : expected;
  const rtol = opts.rtol ?? 1e-5, atol = opts.atol ?? 1e-5;
  assert.is(a.length, e.length, `${msg}: length ${a.length} != expected ${e.length}`);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = e[i];
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) { worst = i; worstExcess = excess; }
  }
  if (worst >= 0) {
    assert.unreachable(`${msg}: element ${worst} is ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol}, ${a.length} elements)`);
  }
}

export function assertShape(t: Tensor, shape: number[], msg = ''): void {
  assert.equal([...t.shape], shape, `${msg}: shape ${JSON.stringify(t.shape)} != ${JSON.stringify(shape)}`);
}

/** Runs fn once with the SIMD kernels and once with the scalar twins. */
export function eachBackend(fn: (backend: KernelBackend) => void): void {
  const prev = getBackend();
  try {
    for (const b of ['simd', 'scalar'] as KernelBackend[]) {
      setBackend(b);
      tidy(() => fn(b));
    }
  } finally {
    setBackend(prev);
  }
}

/** Result of fn under the scalar backend and under SIMD, as arrays (tensors disposed). */
export function simdVsScalar(fn: () => Tensor): { simd: Arr; scalar: Arr } {
  const prev = getBackend();
  try {
    setBackend('scalar');
    const scalar = tidy(() => fn().toArray());
    setBackend('simd');
    const simd = tidy(() => fn().toArray());
    return { simd, scalar };
  } finally {
    setBackend(prev);
  }
}

/**
 * Central finite differences of L = sum(f(inputs) * gy) against autograd, for each input
 * that requires grad. f32 arithmetic: use small inputs and the default eps/tolerances.
 */
export function gradCheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[],
  opts: { eps?: number; rtol?: number; atol?: number; maxChecks?: number } = {}, msg = ''): void {
  const eps = opts.eps ?? 1e-2, rtol = opts.rtol ?? 2e-2, atol = opts.atol ?? 2e-3;
  tidy(() => {
    const y = f(...inputs);
    const gy = Tensor.randn(y.shape);
    const gyArr = gy.toArray();
    const loss = (): number => tidy(() => {
      const out = f(...inputs).toArray();
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i] * gyArr[i];
      return s;
    });
    for (const x of inputs) if (x.grad) { x.grad.dispose(); x.grad = null; }
    y.backward(gy);
    inputs.forEach((x, k) => {
      if (!x.requiresGrad) return;
      const analytic = x.grad!.toArray();
      const data = x.data() as Float32Array;
      // Check a spread of elements (all of them for small tensors).
      const n = data.length, checks = Math.min(n, opts.maxChecks ?? 40);
      for (let c = 0; c < checks; c++) {
        const i = Math.floor((c * n) / checks);
        // x.data() is in storage order; map to shape order for channels_last inputs
        const logical = x.layout === 'contiguous' ? i : storageToLogical(x, i);
        const orig = (x.data() as Float32Array)[i];
        (x.data() as Float32Array)[i] = orig + eps;
        const lp = loss();
        (x.data() as Float32Array)[i] = orig - eps;
        const lm = loss();
        (x.data() as Float32Array)[i] = orig;
        const numeric = (lp - lm) / (2 * eps);
        const a = analytic[logical];
        if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
          throw new Error(`${msg}: gradient of input ${k} at ${logical}: autograd ${a}, finite difference ${numeric}`);
        }
      }
    });
    for (const x of inputs) if (x.grad) { x.grad.dispose(); x.grad = null; }
  });
}

function storageToLogical(x: Tensor, i: number): number {
  const [n, c] = x.shape;
  const inner = x.size / (n * c);
  const b = Math.floor(i / (inner * c)), rem = i % (inner * c);
  const s = Math.floor(rem / c), k = rem % c;
  return (b * c + k) * inner + s;
}

/** Asserts fn throws an instance of `type` whose message matches `re` (when given). */
export function throwsTyped(fn: () => unknown, type: new (...a: any[]) => Error, re?: RegExp, msg = ''): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof type)) assert.unreachable(`${msg}: expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    if (re && !re.test((e as Error).message)) assert.unreachable(`${msg}: ${type.name} message "${(e as Error).message}" does not match ${re}`);
    return;
  }
  assert.unreachable(`${msg}: expected ${type.name} to be thrown`);
}
