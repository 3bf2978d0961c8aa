// Pieces the self-supervised wrappers share: F.normalize, a deep copy of a module (PyTorch's
// copy.deepcopy of the online network, for momentum encoders) and the in-place EMA update.
import { nn, ops, noGrad, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';
import { keep } from '../../runtime/memory.js';

type Module = InstanceType<typeof nn.Module>;

/** torch.nn.functional.normalize(x, p=2, dim): x / max(||x||_2, eps) along dim. */
export function normalize(x: Tensor, dim = 1, eps = 1e-12): Tensor {
  const sq = ops.square(x);
  const ss = ops.sum(sq, dim, true);
  const n = ops.sqrt(ss);
  const floor = Tensor.full(n.shape, eps);
  const d = ops.maximum(n, floor);
  const y = ops.div(x, d);
  // Without a graph the intermediates are garbage now; with one, autograd owns what it saved.
  if (!y.gradFn) for (const t of [sq, ss, n, floor, d]) t.dispose();
  return y;
}

/**
 * A structural deep copy of a module (copy.deepcopy): same classes, same attributes, fresh
 * tensors with the same values, requires-grad flags and names. Functions and foreign objects
 * are shared, as deepcopy shares classes.
 */
export function deepCopyModule<M extends Module>(m: M): M {
  const memo = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Tensor) {
      const c = noGrad(() => v.detach());
      c.requiresGrad = v.requiresGrad;
      c.name = v.name;
      if (v.kept) keep(c);
      memo.set(v, c);
      return c;
    }
    if (v instanceof Map) {
      const c = new Map();
      memo.set(v, c);
      for (const [k, x] of v) c.set(k, copy(x));
      return c;
    }
    if (v instanceof Set) {
      const c = new Set();
      memo.set(v, c);
      for (const x of v) c.add(copy(x));
      return c;
    }
    if (Array.isArray(v)) {
      const c: unknown[] = [];
      memo.set(v, c);
      for (const x of v) c.push(copy(x));
      return Object.isFrozen(v) ? Object.freeze(c) : c;
    }
    if (v instanceof nn.Module || Object.getPrototypeOf(v) === Object.prototype) {
      const c = Object.create(Object.getPrototypeOf(v));
      memo.set(v, c);
      for (const k of Reflect.ownKeys(v)) {
        const d = Object.getOwnPropertyDescriptor(v, k)!;
        if ('value' in d) d.value = copy(d.value);
        Object.defineProperty(c, k, d);
      }
      return c;
    }
    return v;
  };
  return copy(m) as M;
}

/**
 * target = target * mmt + online * (1 - mmt), in place, parameter by parameter (PyTorch order),
 * each product and the sum rounded to float32 as torch's f32 kernels do.
 */
export function emaUpdate(who: string, online: Module, target: Module, mmt: number): void {
  const ps = online.parameters(), qs = target.parameters();
  if (ps.length !== qs.length) throw new ArgumentError(`${who}: the momentum copy has ${qs.length} parameters, the online network ${ps.length}`);
  const m = Math.fround(mmt), r = Math.fround(1 - mmt);
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i], q = qs[i];
    if (p.shape.join() !== q.shape.join()) throw new ShapeError(`${who}: parameter ${i} (${q.name ?? ''}) is ${fmtShape(q.shape)} in the momentum copy, ${fmtShape(p.shape)} online`);
    const src = p.layout === q.layout ? p : noGrad(() => ops.toLayout(p, q.layout));
    const a = q.data() as Float32Array, b = src.data() as Float32Array;
    for (let j = 0; j < a.length; j++) a[j] = Math.fround(a[j] * m) + Math.fround(b[j] * r);
    if (src !== p) src.dispose();
  }
}

/** A detached copy of an i32 index vector's values (validated against [0, n)). */
export function indexValues(who: string, what: string, idx: Tensor, n: number): Int32Array {
  if (!(idx instanceof Tensor) || idx.dtype !== 'i32') throw new ArgumentError(`${who}: ${what} must be an i32 tensor, got ${idx instanceof Tensor ? idx.describe() : typeof idx}`);
  const v = idx.toArray() as Int32Array;
  for (const i of v) if (!(i >= 0 && i < n)) throw new ArgumentError(`${who}: ${what} holds ${i}, outside [0, ${n})`);
  return v;
}
