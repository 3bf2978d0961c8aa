// linear / matmul and the f32 GEMM kernels underneath: PyTorch golden values (forward + grad)
// on both backends, the raw kernels against a float64 reference on every backend and ISA
// variant (all transpose flags, accumulate, clamp, strided and blocked shapes), the packed
// layout shared by both backends, finite differences, packed-weight helpers and bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, memoryStats, setBackend, getBackend, setIsa, getIsa, ShapeError, DTypeError, ArgumentError } from '../../ts/node.js';
import { malloc, free, heapU8 } from '../../ts/runtime/wasm.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';
import * as vw from '../../ts/runtime/kernels.gen.js';

// ---- PyTorch golden values ----
for (const c of loadGolden('linalg')) {
  test(`${c.name} matches PyTorch (forward + grad, simd and scalar)`, () => {
    eachBackend((backend) => {
      const t: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.inputs)) t[k] = tensorOf(v, k !== 'gy');
      const y = c.op === 'linear' ? ops.linear(t.x, t.weight, t.bias ?? null) : ops.matmul(t.a, t.b);
      assert.equal([...y.shape], c.outputs.y.shape, `${c.name} shape`);
      assertClose(y, c.outputs.y.data, { rtol: 1e-4, atol: 1e-5 }, `${c.name} [${backend}] forward`);
      y.backward(t.gy);
      for (const [k, g] of Object.entries(c.grads)) {
        assertClose(t[k].grad!, g.data, { rtol: 1e-4, atol: 2e-5 }, `${c.name} [${backend}] grad ${k}`);
      }
    });
  });
}

// ---- raw kernels vs a float64 reference ----
type Variant = { backend: 'simd' | 'scalar'; isa: 'x86' | 'arm' };
const VARIANTS: Variant[] = [{ backend: 'scalar', isa: 'x86' }, { backend: 'simd', isa: 'x86' }, { backend: 'simd', isa: 'arm' }];

function withVariant(v: Variant, fn: () => void): void {
  const pb = getBackend(), pi = getIsa();
  setBackend(v.backend); setIsa(v.isa);
  try { fn(); } finally { setBackend(pb); setIsa(pi); }
}

let seed = 12345;
function rnd(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) >>> 0; a[i] = (seed / 2 ** 32) * 2 - 1; }
  return a;
}
/** Copies data into a fresh wasm allocation; returns its byte offset. */
function put(data: Float32Array): number {
  const p = malloc(Math.max(4, data.length * 4), 'test');
  new Float32Array(heapU8().buffer, p, data.length).set(data);
  return p;
}
const get = (p: number, n: number) => new Float32Array(heapU8().buffer, p, n).slice();

function close(actual: Float32Array, expected: Float64Array, msg: string, tol = 1e-4): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], a = actual[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) assert.unreachable(`${msg}: element ${i} is ${a}, expected ${e}`);
  }
}

// M x N x K, chosen around MR (4, 6), NR (8), the K unroll (4), the K block (256) and the
// M blocks (64 for transposed-A matmul, 256 for gemm).
const SIZES: [number, number, number][] = [
  [1, 1, 1], [7, 13, 5], [33, 65, 17], [4, 8, 1], [5, 9, 0], [6, 16, 4], [13, 7, 3], [70, 20, 600], [260, 9, 33],
];

test('gemm + pack: every backend/variant matches float64, with bias, accumulate, clamp and strides', () => {
  for (const [M, N, K] of SIZES) {
    const lda = K + 3, ldc = N + 5;  // strided rows: the kernels must not touch the gaps
    const A = rnd(M * lda), B = rnd(K * N), bias = rnd(N), C0 = rnd(M * ldc);
    for (const accumulate of [0, 1]) {
      for (const [lo, hi] of [[-Infinity, Infinity], [-0.25, 0.5]]) {
        const ref = new Float64Array(M * ldc);
        for (let i = 0; i < M * ldc; i++) ref[i] = C0[i];
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            let s = bias[n] + (accumulate ? C0[m * ldc + n] : 0);
            for (let k = 0; k < K; k++) s += A[m * lda + k] * B[k * N + n];
            ref[m * ldc + n] = Math.min(Math.max(s, lo), hi);
          }
        }
        for (const v of VARIANTS) {
          withVariant(v, () => {
            const pa = put(A), pb = put(B), pbias = put(bias), pc = put(C0);
            const pp = malloc(vw.f32_gemm_packed_floats(K, N) * 4);
            vw.f32_gemm_pack(K, N, pb, N, 1, pbias, pp);
            vw.f32_gemm(M, N, K, pa, lda, pp, pc, ldc, lo, hi, accumulate);
            close(get(pc, M * ldc), ref, `gemm ${M}x${N}x${K} acc=${accumulate} clamp=[${lo},${hi}] ${v.backend}/${v.isa}`);
            for (const p of [pa, pb, pbias, pc, pp]) free(p);
          });
        }
      }
    }
  }
});

test('matmul: all transpose flags and beta, every backend/variant, strided', () => {
  for (const [M, N, K] of SIZES) {
    const A = rnd(M * K), B = rnd(K * N), C0 = rnd(M * (N + 2));
    C0[0] = NaN;  // beta = 0 must ignore what C held
    const ldc = N + 2;
    for (const tA of [0, 1]) {
      for (const tB of [0, 1]) {
        // Store op(A) / op(B) transposed when the flag says so, with padded rows.
        const lda = (tA ? M : K) + 1, ldb = (tB ? K : N) + 3;
        const As = new Float32Array((tA ? K : M) * lda), Bs = new Float32Array((tB ? N : K) * ldb);
        for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) As[tA ? k * lda + m : m * lda + k] = A[m * K + k];
        for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) Bs[tB ? n * ldb + k : k * ldb + n] = B[k * N + n];
        for (const beta of [0, 1, -0.5]) {
          const ref = new Float64Array(M * ldc);
          for (let i = 0; i < ref.length; i++) ref[i] = C0[i];
          for (let m = 0; m < M; m++) {
            for (let n = 0; n < N; n++) {
              let s = beta === 0 ? 0 : beta * C0[m * ldc + n];
              for (let k = 0; k < K; k++) s += A[m * K + k] * B[k * N + n];
              ref[m * ldc + n] = s;
            }
          }
          for (const v of VARIANTS) {
            withVariant(v, () => {
              const pa = put(As), pb = put(Bs), pc = put(C0);
              vw.f32_matmul(tA, tB, M, N, K, pa, lda, pb, ldb, pc, ldc, beta);
              close(get(pc, M * ldc), ref, `matmul ${M}x${N}x${K} tA=${tA} tB=${tB} beta=${beta} ${v.backend}/${v.isa}`);
              for (const p of [pa, pb, pc]) free(p);
            });
          }
        }
      }
    }
  }
});

test('packed layout is identical on both backends, and either backend runs the other\'s buffer', () => {
  for (const [K, N, sbk, sbn] of [[5, 13, 13, 1], [17, 8, 1, 17], [1, 3, 3, 1], [33, 20, 1, 33]]) {
    const B = rnd(K * N), bias = rnd(N);
    const pb = put(B), pbias = put(bias);
    const buffers: Float32Array[] = [];
    for (const v of VARIANTS.slice(0, 2)) {
      withVariant(v, () => {
        const nf = vw.f32_gemm_packed_floats(K, N);
        assert.is(nf, Math.ceil(N / 8) * 8 * (K + 1), 'packed floats');
        const pp = malloc(nf * 4);
        vw.f32_gemm_pack(K, N, pb, sbk, sbn, pbias, pp);
        buffers.push(get(pp, nf));
        free(pp);
      });
    }
    assert.equal(Array.from(buffers[0]), Array.from(buffers[1]), `pack K=${K} N=${N}`);
    // Bias first, then row k of the first panel.
    assert.is(buffers[0][0], bias[0]);
    assert.is(buffers[0][8 + 8 * (K - 1)], B[(K - 1) * sbk]);
    // Pack with scalar, multiply with SIMD (and the reverse): same results.
    const M = 9, A = rnd(M * K), pa = put(A);
    const outs: Float32Array[] = [];
    for (const [packer, runner] of [[VARIANTS[0], VARIANTS[1]], [VARIANTS[1], VARIANTS[0]]]) {
      const nf = vw.f32_gemm_packed_floats(K, N), pp = malloc(nf * 4), pc = malloc(M * N * 4);
      withVariant(packer, () => vw.f32_gemm_pack(K, N, pb, sbk, sbn, pbias, pp));
      withVariant(runner, () => vw.f32_gemm(M, N, K, pa, K, pp, pc, N, -Infinity, Infinity, 0));
      outs.push(get(pc, M * N));
      free(pp); free(pc);
    }
    assertClose(outs[0], outs[1], { rtol: 1e-5, atol: 1e-5 }, 'cross-backend packed buffer');
    free(pa); free(pb); free(pbias);
  }
});

test('clamp keeps NaN and both ISA variants agree bit for bit on clamped output', () => {
  const M = 5, N = 11, K = 7;
  const A = rnd(M * K), B = rnd(K * N);
  A[2 * K + 3] = NaN;  // row 2 becomes NaN
  const results: Float32Array[] = [];
  for (const v of VARIANTS) {
    withVariant(v, () => {
      const pa = put(A), pb = put(B), pc = malloc(M * N * 4);
      const pp = malloc(vw.f32_gemm_packed_floats(K, N) * 4);
      vw.f32_gemm_pack(K, N, pb, N, 1, 0, pp);
      vw.f32_gemm(M, N, K, pa, K, pp, pc, N, -0.1, 0.1, 0);
      const out = get(pc, M * N);
      for (let n = 0; n < N; n++) assert.ok(Number.isNaN(out[2 * N + n]), `${v.backend}/${v.isa}: NaN row stays NaN`);
      for (let i = 0; i < M * N; i++) if (!Number.isNaN(out[i])) assert.ok(out[i] >= Math.fround(-0.1) && out[i] <= Math.fround(0.1), `clamped ${out[i]}`);
      results.push(out);
      for (const p of [pa, pb, pc, pp]) free(p);
    });
  }
  assertClose(results[1], results[2], { rtol: 0, atol: 0 }, 'x86 vs arm');
  assertClose(results[0], results[1], { rtol: 1e-5, atol: 1e-6 }, 'scalar vs simd');
});

// ---- ops ----
test('linear and matmul: SIMD and scalar agree on odd sizes', () => {
  for (const [M, N, K] of SIZES) {
    tidy(() => {
      const x = Tensor.randn([M, K]), w = Tensor.randn([N, K]), b = Tensor.randn([N]);
      const lin = simdVsScalar(() => ops.linear(x, w, b));
      assertClose(lin.simd, lin.scalar, { rtol: 1e-4, atol: 1e-4 }, `linear ${M}x${N}x${K}`);
      const w2 = Tensor.randn([K, N]);
      const mm = simdVsScalar(() => ops.matmul(x, w2));
      assertClose(mm.simd, mm.scalar, { rtol: 1e-4, atol: 1e-4 }, `matmul ${M}x${N}x${K}`);
    });
  }
});

test('gradients match finite differences (linear, batched broadcast matmul)', () => {
  tidy(() => {
    const x = Tensor.randn([2, 3, 5], { requiresGrad: true });
    const w = Tensor.randn([7, 5], { requiresGrad: true });
    const b = Tensor.randn([7], { requiresGrad: true });
    gradCheck((x, w, b) => ops.linear(x, w, b), [x, w, b], {}, 'linear');
    gradCheck((x, w) => ops.linear(x, w), [x, w], {}, 'linear without bias');
    const a = Tensor.randn([2, 1, 3, 4], { requiresGrad: true });
    const c = Tensor.randn([3, 4, 9], { requiresGrad: true });
    gradCheck((a, c) => ops.matmul(a, c), [a, c], {}, 'matmul broadcast');
    const v = Tensor.randn([9], { requiresGrad: true });
    gradCheck((c, v) => ops.matmul(c, v), [c, v], {}, 'matmul by vector');
  });
});

test('linear on a channels_last input and grads come back in the input layout', () => {
  tidy(() => {
    const x = Tensor.randn([2, 3, 2, 2, 4]);
    const w = Tensor.randn([5, 4]);
    const ref = ops.linear(x, w).toArray();
    const xl = x.toLayout('channels_last');
    xl.requiresGrad = true;
    const y = ops.linear(xl, w);
    assertClose(y, ref, { rtol: 1e-5, atol: 1e-6 }, 'channels_last forward');
    y.backward(Tensor.ones(y.shape));
    assert.is(xl.grad!.layout, 'channels_last');
  });
});

test('packWeights / gemmPacked / linearPacked: match linear, fused clamp, repack, dispose', () => {
  const before = memoryStats().liveBytes;
  tidy(() => {
    const x = Tensor.randn([9, 12]), w = Tensor.randn([10, 12]), b = Tensor.randn([10]);
    const packed = ops.packWeights(w, b);
    assert.is(packed.K, 12); assert.is(packed.N, 10);
    const ref = ops.linear(x, w, b).toArray();
    eachBackend((backend) => {
      assertClose(ops.linearPacked(x, packed), ref, { rtol: 1e-5, atol: 1e-5 }, `linearPacked ${backend}`);
      const relu = Array.from(ref, (v) => Math.max(v, 0));
      assertClose(ops.linearPacked(x, packed, { min: 0 }), relu, { rtol: 1e-5, atol: 1e-5 }, `fused relu ${backend}`);
      // gemmPacked with accumulate adds onto C
      const c = Tensor.ones([9, 10]);
      ops.gemmPacked(x.ptr, 9, 12, packed, c.ptr, 10, { accumulate: true });
      assertClose(c, ref.map((v) => v + 1), { rtol: 1e-5, atol: 1e-5 }, `accumulate ${backend}`);
    });
    const v0 = packed.version;
    const w2 = ops.mul(w, 2);
    packed.repack(w2, null);
    assert.is(packed.version, v0 + 1);
    assertClose(ops.linearPacked(x, packed), ops.linear(x, w2).toArray(), { rtol: 1e-5, atol: 1e-5 }, 'repacked');
    assert.throws(() => packed.repack(Tensor.zeros([3, 12])), (e: Error) => e instanceof ShapeError);
    assert.throws(() => ops.linearPacked(Tensor.zeros([2, 5]), packed), (e: Error) => e instanceof ShapeError && /linearPacked/.test(e.message));
    const xg = Tensor.randn([2, 12], { requiresGrad: true });
    assert.throws(() => ops.linearPacked(xg, packed), (e: Error) => e instanceof ArgumentError);
    packed.dispose();
    assert.ok(packed.isDisposed);
    assert.throws(() => ops.linearPacked(x, packed), (e: Error) => e instanceof ArgumentError && /dispose/.test(e.message));
    ops.packWeights(w, b);  // not disposed by hand: tidy frees it
  });
  assert.is(memoryStats().liveBytes, before, 'no leak');
});

test('training steps through linear + matmul leave memory flat', () => {
  const w = Tensor.randn([6, 5], { requiresGrad: true }), m = Tensor.randn([6, 4], { requiresGrad: true });
  const step = () => tidy(() => {
    const x = Tensor.randn([3, 2, 5]);
    const y = ops.matmul(ops.linear(x, w), m);
    ops.sum(y).backward();
    w.grad!.dispose(); w.grad = null; m.grad!.dispose(); m.grad = null;
  });
  step();
  const before = memoryStats().liveBytes;
  for (let i = 0; i < 20; i++) step();
  assert.is(memoryStats().liveBytes, before);
  w.dispose(); m.dispose();
});

test('bad input gives typed errors naming the op and shapes', () => {
  tidy(() => {
    const x = Tensor.zeros([4, 3]), w = Tensor.zeros([5, 7]);
    assert.throws(() => ops.linear(x, w), (e: Error) => e instanceof ShapeError && /linear/.test(e.message)
      && e.message.includes('[4, 3]') && e.message.includes('[5, 7]'));
    assert.throws(() => ops.linear(x, Tensor.zeros([5, 3]), Tensor.zeros([4])),
      (e: Error) => e instanceof ShapeError && /linear: bias \[4\]/.test(e.message));
    assert.throws(() => ops.linear(x, Tensor.zeros([3])), (e: Error) => e instanceof ShapeError && /linear: weight must be 2-D/.test(e.message));
    assert.throws(() => ops.linear(Tensor.zeros([4, 3], { dtype: 'i32' }), Tensor.zeros([5, 3])), (e: Error) => e instanceof DTypeError && /linear/.test(e.message));
    assert.throws(() => ops.matmul(x, Tensor.zeros([4, 2])),
      (e: Error) => e instanceof ShapeError && /matmul: shapes \[4, 3\] and \[4, 2\]/.test(e.message));
    assert.throws(() => ops.matmul(Tensor.zeros([2, 4, 3]), Tensor.zeros([3, 3, 2])),
      (e: Error) => e instanceof ShapeError && /matmul/.test(e.message));
    assert.throws(() => ops.bmm(x, x), (e: Error) => e instanceof ShapeError && /bmm/.test(e.message));
    // still usable
    assertClose(ops.linear(Tensor.ones([1, 3]), Tensor.ones([2, 3]), Tensor.ones([2])), [4, 4], {}, 'usable');
  });
});

test.run();
