// A deep copy of a module tree (Python's copy.deepcopy of an nn.Module): every tensor is copied
// (same values, requiresGrad and name, no gradient), every module and plain object is copied once
// (shared references stay shared), functions and classes are shared.
import { Tensor, keep, noGrad, type nn } from '../../runtime/index.js';

export function cloneModule<M extends nn.Module>(m: M): M {
  return noGrad(() => copy(m, new Map())) as M;
}

function copy(v: unknown, memo: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Tensor) {
    const t = v.detach();
    if (v.kept) keep(t);
    t.requiresGrad = v.requiresGrad;
    if (v.name !== undefined) t.name = v.name;
    memo.set(v, t);
    return t;
  }
  if (ArrayBuffer.isView(v)) {
    const c = (v as unknown as { slice(): unknown }).slice();
    memo.set(v, c);
    return c;
  }
  if (v instanceof Map) {
    const c = new Map();
    memo.set(v, c);
    for (const [k, e] of v) c.set(copy(k, memo), copy(e, memo));
    return c;
  }
  if (v instanceof Set) {
    const c = new Set();
    memo.set(v, c);
    for (const e of v) c.add(copy(e, memo));
    return c;
  }
  const c = Array.isArray(v) ? [] : Object.create(Object.getPrototypeOf(v));
  memo.set(v, c);
  for (const key of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key)!;
    if ('value' in d) d.value = copy(d.value, memo);
    Object.defineProperty(c, key, d);
  }
  if (Object.isFrozen(v)) Object.freeze(c);
  return c;
}
