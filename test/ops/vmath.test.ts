// Accuracy of the SIMD transcendental math (native/kernels/vmath.h) behind the unary ops:
// 100k points across [-90, 90] (log and friends on (0, 90]), against float64 references
// computed here, next to the libm-based scalar twin measured the same way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, setBackend, tidy } from '../../ts/node.js';

const FLT_MIN = 1.1754943508222875e-38;
const EPS = 2 ** -23;

/** erf in float64: 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (1*3*...*(2n+1)) has only positive terms. */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a > 6) return Math.sign(x);
  let term = a, s = a;
  for (let n = 1; n < 400 && term > s * 1e-17; n++) { term *= (2 * a * a) / (2 * n + 1); s += term; }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * s;
}
/** erfc(a) for a > 0 in float64 (continued fraction, accurate in the far tail). */
function erfc(a: number): number {
  if (a < 3) return 1 - erf(a);
  let f = 0;
  for (let k = 60; k >= 1; k--) f = (k / 2) / (a + f);
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
}
const ncdf = (x: number) => (x < 0 ? 0.5 * erfc(-x / Math.SQRT2) : 0.5 * (1 + erf(x / Math.SQRT2)));
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const u = (x: number) => 0.7978845608028654 * (x + 0.044715 * x ** 3);
const gt = (x: number) => x * sig(2 * u(x));

interface Case {
  op: string; ref: (x: number) => number; lo: number; hi: number; maxRel: number;
  floor?: (x: number) => number; cond?: (x: number) => number;
}
// floor: the error is relative to max(|ref|, floor(x)): x * (a CDF that is subnormal) loses
// relative precision in any float implementation, so there the error is relative to |x| * FLT_MIN.
const cases: Case[] = [
  { op: 'exp', ref: Math.exp, lo: -90, hi: 90, maxRel: 4e-7 },
  { op: 'log', ref: Math.log, lo: 0, hi: 90, maxRel: 4e-7 },
  { op: 'tanh', ref: Math.tanh, lo: -90, hi: 90, maxRel: 4e-7 },
  { op: 'sigmoid', ref: sig, lo: -90, hi: 90, maxRel: 6e-7 },
  { op: 'silu', ref: (x) => x * sig(x), lo: -90, hi: 90, maxRel: 6e-7 },
  { op: 'gelu', ref: (x) => x * ncdf(x), lo: -90, hi: 90, maxRel: 1e-6, floor: (x) => Math.abs(x) * FLT_MIN },
  // gelu_tanh = x sigmoid(2u), u a cubic in x: rounding u to float alone moves the result by
  // |2u| * 2^-24 relative (1e-5 at x = -10), so the error is measured against that conditioning.
  // So its error is divided by the condition number max(1, |2u| / 4) (a few roundings in u).
  { op: 'gelu_tanh', ref: gt, lo: -90, hi: 90, maxRel: 1e-6, floor: (x) => Math.abs(x) * FLT_MIN, cond: (x) => Math.max(1, Math.abs(2 * u(x)) / 4) },
  { op: 'rsqrt', ref: (x) => 1 / Math.sqrt(x), lo: 0, hi: 90, maxRel: 2e-7 },
  { op: 'reciprocal', ref: (x) => 1 / x, lo: -90, hi: 90, maxRel: 1e-7 },
];

function points(lo: number, hi: number, n = 100_000): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + ((hi - lo) * (i + 0.5)) / n;
  // plus the small and tiny values that a uniform grid misses
  for (let i = 0; i < 2000; i++) v[i] = (lo < 0 && i % 2 ? -1 : 1) * 10 ** (-38 + (38 * i) / 2000);
  return v;
}

function run(op: string, x: Float32Array): Float32Array {
  return tidy(() => {
    const t = Tensor.from(x, [x.length]);
    return (op === 'gelu_tanh' ? ops.gelu(t, { approximate: 'tanh' }) : (ops as any)[op](t) as Tensor).toArray() as Float32Array;
  });
}

function maxErr(c: Case, x: Float32Array, y: Float32Array): { rel: number; at: number } {
  let rel = 0, at = 0;
  for (let i = 0; i < x.length; i++) {
    const r = c.ref(x[i]), rf = Math.fround(r);
    if (!Number.isFinite(rf)) {  // the true value overflows float: the kernel must say inf too
      if (y[i] !== rf) return { rel: Infinity, at: x[i] };
      continue;
    }
    const e = Math.abs(y[i] - r) / Math.max(Math.abs(r), FLT_MIN, c.floor ? c.floor(x[i]) : 0) / (c.cond ? c.cond(x[i]) : 1);
    if (!(e <= rel)) { rel = e; at = x[i]; }
  }
  return { rel, at };
}

for (const c of cases) {
  test(`vmath ${c.op}: max relative error over 100k points in [${c.lo}, ${c.hi}]`, () => {
    const x = points(c.lo, c.hi);
    try {
      setBackend('simd');
      const simd = maxErr(c, x, run(c.op, x));
      setBackend('scalar');
      const scalar = maxErr(c, x, run(c.op, x));
      console.log(`  ${c.op.padEnd(10)} simd max rel err ${simd.rel.toExponential(2)} (${(simd.rel / EPS).toFixed(2)} ulp, at x=${simd.at.toPrecision(6)})` +
        `   scalar twin (libm) ${scalar.rel.toExponential(2)} at x=${scalar.at.toPrecision(6)}`);
      assert.ok(simd.rel <= c.maxRel, `${c.op}: SIMD max relative error ${simd.rel} at x=${simd.at} exceeds ${c.maxRel}`);
    } finally {
      setBackend('simd');
    }
  });
}

test('vmath special values: inf, -inf, NaN, 0, huge', () => {
  const x = new Float32Array([Infinity, -Infinity, NaN, 0, -0, 1e30, -1e30, 88.8, -103.5, 3.4e38]);
  const y = (op: string) => Array.from(run(op, x));
  const eq = (a: number[], b: number[], op: string) => a.forEach((v, i) => assert.ok(Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])), `${op}(${x[i]}) = ${v}, expected ${b[i]}`));
  eq(y('exp'), [Infinity, 0, NaN, 1, 1, Infinity, 0, Infinity, Math.fround(Math.exp(-103.5)), Infinity], 'exp');
  const lg = y('log');
  eq(lg.slice(0, 5), [Infinity, NaN, NaN, -Infinity, -Infinity], 'log');
  eq(y('tanh'), [1, -1, NaN, 0, -0, 1, -1, 1, -1, 1], 'tanh');
  eq(y('sigmoid'), [1, 0, NaN, 0.5, 0.5, 1, 0, 1, Math.fround(sig(-103.5)), 1], 'sigmoid');
  const g = y('gelu');
  // as in PyTorch: gelu(inf) = inf, gelu(-inf) = -inf * 0 = NaN, gelu(-1e30) = 0
  assert.is(g[0], Infinity); assert.ok(Number.isNaN(g[1]), `gelu(-inf) = ${g[1]}`); assert.ok(Number.isNaN(g[2]));
  assert.is(g[5], Math.fround(1e30)); assert.is(Math.abs(g[6]), 0);
});

test('vmath gradients (gelu, silu, tanh, sigmoid, gelu_tanh) agree with the scalar twin', () => {
  const x = points(-30, 30, 20_000);
  for (const op of ['gelu', 'silu', 'tanh', 'sigmoid', 'gelu_tanh', 'exp', 'log', 'rsqrt', 'reciprocal']) {
    const xs = op === 'log' || op === 'rsqrt' ? x.map(Math.abs).map((v) => v + 0.01) : op === 'exp' ? x.map((v) => v / 2) : x;
    const grad = (b: 'simd' | 'scalar') => tidy(() => {
      setBackend(b);
      const t = Tensor.from(xs, [xs.length], { requiresGrad: true });
      const y = op === 'gelu_tanh' ? ops.gelu(t, { approximate: 'tanh' }) : (ops as any)[op](t) as Tensor;
      y.backward(Tensor.ones(y.shape));
      const g = t.grad!.toArray();
      t.dispose();
      return g;
    });
    const a = grad('simd'), b = grad('scalar');
    setBackend('simd');
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(b[i]) && a[i] === b[i]) continue;
      // scale: the largest term of the derivative formula, so cancellation in the twin is allowed for
      // (tanh' = 1 - y^2 and sigmoid' = y (1 - y) cancel: 1 ulp of y is ~1e-7 absolute)
      const tol = 2e-6 * Math.abs(b[i]) + 3e-7 * (op.startsWith('gelu') || op === 'silu' ? 1 + Math.abs(xs[i]) : 1);
      assert.ok(Math.abs(a[i] - b[i]) <= tol, `${op}' at ${xs[i]}: simd ${a[i]}, scalar ${b[i]}`);
    }
  }
});

test.run();
