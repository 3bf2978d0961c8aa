// Tensor: a dtype, a PyTorch-ordered shape, a physical layout tag and a block of wasm memory.
//
// Layouts: 'contiguous' is row-major in shape order (PyTorch's default). 'channels_last' keeps
// the API shape [N, C, ...spatial] but stores [N, ...spatial, C] (PyTorch's channels_last /
// channels_last_3d), which is what the conv, pool and norm kernels are fastest on. Ops accept
// both and say which they return; toArray() always returns shape order.
//
// Tensor is a leaf: it imports no op. The method forms (x.add(y), x.sum(), x.backward(), ...) are
// declared on the class below and installed on its prototype by ops/methods.ts when the ops load,
// as tfjs-core's setOpHandler does; every entry (node, browser, wasi, the loader workers) loads them.
import { DTYPE_BYTES, viewOf, dtypeOfArray, isDType, type AnyTypedArray, type DType } from './dtype.js';
import { DisposedError, DTypeError, ShapeError, ArgumentError, fmtShape } from './errors.js';
import { Storage, track, type Disposable } from './memory.js';
import { heapU8, malloc } from './wasm.js';
import type { Node } from './tape.js';
import { random } from './random.js';

export type Layout = 'contiguous' | 'channels_last';
export type Shape = readonly number[];

export interface FromOptions { requiresGrad?: boolean; dtype?: DType; layout?: Layout }

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(shape: Shape, what = 'tensor'): number[] {
  if (!Array.isArray(shape) && !(shape as unknown as ArrayLike<number>).length && (shape as unknown) !== undefined) {
    throw new ShapeError(`${what}: shape must be an array of sizes, got ${String(shape)}`);
  }
  const s = Array.from(shape ?? []);
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${what}: invalid shape ${fmtShape(s)} (sizes must be non-negative integers)`);
  }
  return s;
}

/** Permutation from shape order to storage order for a layout: channels_last moves dim 1 last. */
export function layoutPerm(rank: number, layout: Layout): number[] {
  const p = [...Array(rank).keys()];
  if (layout === 'channels_last' && rank >= 3) return [0, ...p.slice(2), 1];
  return p;
}

/** Element strides of each shape dim, for a layout. */
export function stridesOf(shape: Shape, layout: Layout): number[] {
  const perm = layoutPerm(shape.length, layout);
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = perm.length - 1; i >= 0; i--) {
    strides[perm[i]] = s;
    s *= shape[perm[i]];
  }
  return strides;
}

export class Tensor implements Disposable {
  readonly shape: readonly number[];
  readonly size: number;
  requiresGrad = false;
  /** Accumulated gradient of a leaf tensor after backward(). */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when recorded for autograd. */
  gradFn: Node | null = null;
  kept = false;
  /** Optional name, used in error messages (parameters carry their state-dict key). */
  name?: string;
  private storage: Storage | null;

  /**
   * A tensor over `storage` (every tensor and every view is made here). The shape must fit the
   * storage: a view larger than its block would read and write its neighbours' memory.
   */
  constructor(storage: Storage, shape: Shape, readonly dtype: DType, readonly layout: Layout = 'contiguous') {
    const s = checkShape(shape);
    if (!isDType(dtype)) throw new DTypeError(`unknown dtype ${String(dtype)}`);
    if (storage.ptr === 0) throw new DisposedError(`a view of shape ${fmtShape(s)} over a disposed tensor's storage`);
    const nbytes = numel(s) * DTYPE_BYTES[dtype];
    if (nbytes > storage.nbytes) {
      throw new ShapeError(`a ${dtype} view of shape ${fmtShape(s)} needs ${nbytes} bytes, but its storage holds ${storage.nbytes}`);
    }
    this.shape = Object.freeze(s);
    this.size = numel(s);
    if (shape.length < 3 && layout === 'channels_last') this.layout = 'contiguous';
    storage.retain();
    this.storage = storage;
    track(this);
  }

  /** Uninitialised tensor. */
  static empty(shape: Shape, dtype: DType = 'f32', layout: Layout = 'contiguous'): Tensor {
    const s = checkShape(shape);
    if (!isDType(dtype)) throw new DTypeError(`unknown dtype ${String(dtype)}`);
    const nbytes = numel(s) * DTYPE_BYTES[dtype];
    return new Tensor(new Storage(malloc(nbytes, `a ${dtype} tensor of shape ${fmtShape(s)}`), nbytes), s, dtype, layout);
  }

  /** A tensor holding a copy of `data` (shape order), optionally tracked for autograd. */
  static from(data: AnyTypedArray | number[], shape?: Shape, opts: FromOptions = {}): Tensor {
    const dtype = opts.dtype ?? dtypeOfArray(data);
    const s = checkShape(shape ?? [data.length]);
    if (numel(s) !== data.length) {
      throw new ShapeError(`Tensor.from: ${data.length} values cannot have shape ${fmtShape(s)} (${numel(s)} elements)`);
    }
    const t = Tensor.empty(s, dtype);
    const v = t.data();
    if (Array.isArray(data) || dtypeOfArray(data) !== dtype) for (let i = 0; i < data.length; i++) v[i] = data[i];
    else v.set(data as never);
    const out = opts.layout && opts.layout !== 'contiguous' ? t.toLayout(opts.layout) : t;
    if (out !== t) t.dispose();
    if (opts.requiresGrad) out.requiresGrad_(true);
    return out;
  }

  static full(shape: Shape, value: number, dtype: DType = 'f32', opts: FromOptions = {}): Tensor {
    const t = Tensor.empty(shape, dtype, opts.layout);
    t.data().fill(value);
    if (opts.requiresGrad) t.requiresGrad_(true);
    return t;
  }
  static zeros(shape: Shape, opts: FromOptions = {}): Tensor { return Tensor.full(shape, 0, opts.dtype ?? 'f32', opts); }
  static ones(shape: Shape, opts: FromOptions = {}): Tensor { return Tensor.full(shape, 1, opts.dtype ?? 'f32', opts); }
  static zerosLike(t: Tensor): Tensor { return Tensor.full(t.shape, 0, t.dtype, { layout: t.layout }); }

  /** Standard normal samples from vidwasm's seeded generator (see manualSeed). */
  static randn(shape: Shape, opts: FromOptions = {}): Tensor {
    const t = Tensor.empty(shape, 'f32', opts.layout);
    const v = t.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = random.normal();
    if (opts.requiresGrad) t.requiresGrad_(true);
    return t;
  }
  /** Uniform samples in [low, high). */
  static rand(shape: Shape, low = 0, high = 1, opts: FromOptions = {}): Tensor {
    const t = Tensor.empty(shape, 'f32', opts.layout);
    const v = t.data() as Float32Array;
    for (let i = 0; i < v.length; i++) v[i] = low + (high - low) * random.uniform();
    if (opts.requiresGrad) t.requiresGrad_(true);
    return t;
  }
  static arange(n: number, dtype: DType = 'f32'): Tensor {
    const t = Tensor.empty([n], dtype);
    const v = t.data();
    for (let i = 0; i < n; i++) v[i] = i;
    return t;
  }

  get rank(): number { return this.shape.length; }
  get isDisposed(): boolean { return this.storage === null || this.storage.ptr === 0; }
  get nbytes(): number { return this.size * DTYPE_BYTES[this.dtype]; }

  /** Byte offset of the data in wasm memory; throws if disposed. */
  get ptr(): number {
    if (this.storage === null || this.storage.ptr === 0) {
      throw new DisposedError(`${this.describe()} was used after dispose()`);
    }
    return this.storage.ptr;
  }

  /**
   * Checked views (`Tensor.checkViews = true`, or VIDWASM_CHECK_VIEWS=1 in Node): data() views
   * throw a DisposedError when used after wasm memory grew, instead of losing writes silently.
   * Off by default: a checked view costs ~60x per element access (a Proxy), and the kernels'
   * own loops use data() too.
   */
  static checkViews = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.VIDWASM_CHECK_VIEWS === '1';

  /**
   * A view of the raw storage (physical order). It survives wasm memory growth where the memory
   * cannot detach (`viewsSurviveGrowth()`: Node's shared memory, engines with resizable wasm
   * buffers); elsewhere growth detaches the buffer under it and a typed array over a detached
   * buffer drops writes and reads undefined without an error: take a fresh view after
   * allocating (or turn on Tensor.checkViews to make a stale view throw).
   */
  data(): AnyTypedArray {
    const raw = viewOf(this.dtype, heapU8().buffer, this.ptr, this.size);
    return Tensor.checkViews ? checkedView(raw, this) : raw;
  }

  /** A copy of the values in shape order (PyTorch's .numpy().ravel()); f16 comes out as f32. */
  toArray(): AnyTypedArray {
    if (this.dtype !== 'f16') return this.shapeOrdered();
    const f = this.cast('f32');
    try { return f.shapeOrdered(); } finally { f.dispose(); }
  }

  private shapeOrdered(): AnyTypedArray {
    const raw = this.data();
    if (this.layout === 'contiguous' || this.rank < 3) return raw.slice();
    const out = new (raw.constructor as { new (n: number): AnyTypedArray })(this.size);
    const [n, c] = this.shape;
    const inner = this.size / (n * c);
    for (let b = 0; b < n; b++) {
      for (let s = 0; s < inner; s++) {
        const src = (b * inner + s) * c;
        for (let k = 0; k < c; k++) out[(b * c + k) * inner + s] = raw[src + k];
      }
    }
    return out;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item(): ${this.describe()} has ${this.size} elements, expected 1`);
    return this.data()[0];
  }

  describe(): string {
    return `${this.name ? `'${this.name}' ` : ''}tensor ${fmtShape(this.shape)} ${this.dtype}`;
  }

  /**
   * A tensor of another shape over the same storage (needs a contiguous tensor). The view may be
   * smaller than the storage, never larger (ShapeError).
   */
  shareStorage(shape: Shape): Tensor {
    if (this.layout !== 'contiguous') throw new ArgumentError('shareStorage needs a contiguous tensor');
    this.ptr; // DisposedError for a disposed tensor
    return new Tensor(this.storage!, shape, this.dtype, 'contiguous');
  }

  requiresGrad_(on = true): this {
    if (on && this.dtype !== 'f32') throw new DTypeError(`only f32 tensors can require grad, not ${this.describe()}`);
    this.requiresGrad = on;
    return this;
  }

  dispose(): void {
    if (this.storage) {
      if (this.storage.ptr !== 0) this.storage.release();
      this.storage = null;
    }
    if (this.grad && !this.grad.isDisposed) this.grad.dispose();
    this.grad = null;
  }

  /** Same values, no autograd history. Shares nothing: a copy. */
  detach(): Tensor {
    const t = Tensor.empty(this.shape, this.dtype, this.layout);
    heapU8().copyWithin(t.ptr, this.ptr, this.ptr + this.nbytes);
    return t;
  }
  /** Copies values from src (same shape) into this tensor's storage, in place, without autograd. */
  copy_(src: Tensor): this {
    if (src.shape.join() !== this.shape.join()) throw new ShapeError(`copy_: ${src.describe()} into ${this.describe()}`);
    const c = src.dtype === this.dtype ? src : src.cast(this.dtype);
    const s = c.toLayout(this.layout);
    heapU8().copyWithin(this.ptr, s.ptr, s.ptr + this.nbytes);
    if (c !== src && c !== s) c.dispose();
    if (s !== src) s.dispose();
    return this;
  }
  /** Fills with a value, in place. */
  fill_(v: number): this {
    this.data().fill(v);
    return this;
  }
  toString(): string { return `Tensor(${fmtShape(this.shape)}, ${this.dtype}${this.layout === 'channels_last' ? ', channels_last' : ''})`; }
}

/** The method forms of the functional ops (PyTorch style), installed by ops/methods.ts. */
export interface Tensor {
  add(o: Tensor | number): Tensor;
  sub(o: Tensor | number): Tensor;
  mul(o: Tensor | number): Tensor;
  div(o: Tensor | number): Tensor;
  neg(): Tensor;
  relu(): Tensor;
  sigmoid(): Tensor;
  tanh(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sqrt(): Tensor;
  sum(dim?: number | number[], keepdim?: boolean): Tensor;
  mean(dim?: number | number[], keepdim?: boolean): Tensor;
  reshape(shape: Shape): Tensor;
  view(shape: Shape): Tensor;
  flatten(startDim?: number, endDim?: number): Tensor;
  contiguous(): Tensor;
  toLayout(layout: Layout): Tensor;
  clone(): Tensor;
  /** dtype conversion (ops.cast): float -> int truncates, -> u8/i8 saturates. */
  cast(dtype: DType): Tensor;
  /** Runs autograd from this tensor; a non-scalar needs gradOutput. Fills .grad of leaves. */
  backward(gradOutput?: Tensor, opts?: { retainGraph?: boolean }): void;
}

/** A view that throws DisposedError on any use once wasm memory has grown under it. */
function checkedView(raw: AnyTypedArray, t: Tensor): AnyTypedArray {
  const live = () => {
    if (raw.buffer.byteLength === 0) {
      throw new DisposedError(`a data() view of ${t.describe()} was used after wasm memory grew (its buffer is detached): call data() again after allocating`);
    }
    return raw;
  };
  return new Proxy(raw, {
    get(_, key) {
      const v = Reflect.get(live(), key);
      return typeof v === 'function' ? v.bind(raw) : v;
    },
    set(_, key, value) { return Reflect.set(live(), key, value); },
    has(_, key) { return Reflect.has(live(), key); },
  });
}
