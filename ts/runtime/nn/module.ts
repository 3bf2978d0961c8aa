// nn.Module: a tree of modules owning named parameters and buffers, mirroring torch.nn.Module so
// that state-dict keys are exactly PyTorch's (`blocks.1.res_blocks.0.branch2.conv_a.weight`) and a
// PyTorchVideo checkpoint loads with no key mapping.
//
// Registration is explicit, because the key is what matters and our fields are camelCase:
//   this.convA = this.registerModule('conv_a', new Conv3d(...));
//   this.weight = this.registerParameter('weight', Tensor.empty([4, 3]));
// The registries keep insertion order, which is PyTorch's `named_parameters()` / `state_dict()`
// order. Registering a name again replaces the entry in place (same position, like setattr in
// PyTorch); the replaced tensor or module is not disposed (it may still be in use).
import { Tensor } from '../tensor.js';
import { keep } from '../memory.js';
import { noGrad, forwardScope } from '../autograd.js';
import { ArgumentError, StateDictError, fmtShape } from '../errors.js';
import { heapU8 } from '../wasm.js';
import * as F from '../ops/index.js';
import { addIndent } from './repr.js';

/** key -> tensor, in PyTorch's state_dict order. */
export type StateDict = Record<string, Tensor>;

export interface LoadResult { missingKeys: string[]; unexpectedKeys: string[] }

/** Marks t as a parameter: kept out of tidy() scopes and (by default) requiring grad. */
export function parameter(t: Tensor, requiresGrad = true): Tensor {
  keep(t);
  t.requiresGrad_(requiresGrad);
  return t;
}

function checkName(kind: string, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ArgumentError(`${kind} name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  }
}

const SCOPED = Symbol('vidwasm.scopedForward');

/**
 * Every forward runs in its own scope (autograd.ts forwardScope): the intermediates it makes are
 * freed when it returns, except what its output's autograd graph needs. Each class's own forward
 * is wrapped once, on its prototype, the first time an instance is built (so copies of a module,
 * super.forward() calls and subclasses all keep the behaviour).
 */
function scopeForwards(proto: object | null): void {
  for (; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    const own = Object.getOwnPropertyDescriptor(proto, 'forward');
    if (!own || typeof own.value !== 'function' || (own.value as { [SCOPED]?: true })[SCOPED]) continue;
    const forward = own.value as (...args: unknown[]) => unknown;
    const scopedForward = function (this: unknown, ...args: unknown[]): unknown {
      return forwardScope(() => forward.apply(this, args));
    };
    Object.defineProperty(scopedForward, SCOPED, { value: true });
    Object.defineProperty(scopedForward, 'name', { value: forward.name });
    Object.defineProperty(proto, 'forward', { ...own, value: scopedForward });
  }
}

export class Module {
  /** Training mode (train()/eval()): changes BatchNorm and Dropout behaviour. */
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly bufs = new Map<string, Tensor | null>();
  private readonly nonPersistent = new Set<string>();
  private readonly mods = new Map<string, Module | null>();

  constructor() {
    scopeForwards(Object.getPrototypeOf(this) as object);
  }

  // ---- registration ----

  /**
   * Adds (or replaces) a parameter under `name` (its state-dict key in this module). The tensor
   * is kept out of tidy() scopes and set to require grad unless `requiresGrad` is false.
   * `null` registers an absent parameter (like `register_parameter('bias', None)`).
   */
  registerParameter<T extends Tensor | null>(name: string, t: T, opts: { requiresGrad?: boolean } = {}): T {
    checkName('parameter', name);
    this.checkFree(name, this.params);
    if (t) {
      parameter(t, opts.requiresGrad ?? true);
      t.name = name;
    }
    this.params.set(name, t);
    return t;
  }

  /**
   * Adds (or replaces) a buffer: state that is not trained (BatchNorm's running_mean). Buffers
   * are in the state dict unless `persistent` is false.
   */
  registerBuffer<T extends Tensor | null>(name: string, t: T, opts: { persistent?: boolean } = {}): T {
    checkName('buffer', name);
    this.checkFree(name, this.bufs);
    if (t) {
      keep(t);
      t.name = name;
    }
    this.bufs.set(name, t);
    if (opts.persistent === false) this.nonPersistent.add(name);
    else this.nonPersistent.delete(name);
    return t;
  }

  /** Adds (or replaces) a submodule under `name` (e.g. 'conv_a', 'blocks', '0'). */
  registerModule<M extends Module | null>(name: string, m: M): M {
    checkName('module', name);
    this.checkFree(name, this.mods);
    if (m !== null && !(m instanceof Module)) throw new ArgumentError(`registerModule('${name}'): not a Module`);
    this.mods.set(name, m);
    // Parameters carry their key as a name (error messages): rename the subtree relative to
    // this module. Trees are built bottom-up, so the root's registration leaves full keys.
    if (m) {
      for (const [k, t] of m.namedParameters()) t.name = `${name}.${k}`;
      for (const [k, t] of m.namedBuffers()) t.name = `${name}.${k}`;
    }
    return m;
  }

  private checkFree(name: string, own: Map<string, unknown>): void {
    for (const reg of [this.params, this.bufs, this.mods] as Map<string, unknown>[]) {
      if (reg !== own && reg.has(name)) throw new ArgumentError(`${this.typeName}: '${name}' is already registered as another kind of attribute`);
    }
  }

  /** The parameter, buffer or submodule registered directly on this module under `name`. */
  getAttr(name: string): Tensor | Module | null | undefined {
    if (this.params.has(name)) return this.params.get(name);
    if (this.bufs.has(name)) return this.bufs.get(name);
    return this.mods.get(name);
  }
  protected param(name: string): Tensor | null { return this.params.get(name) ?? null; }
  protected buffer(name: string): Tensor | null { return this.bufs.get(name) ?? null; }
  protected module(name: string): Module | null { return this.mods.get(name) ?? null; }

  // ---- traversal (PyTorch order, duplicates removed) ----

  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    return this.namedMembers((m) => m.params, prefix, recurse);
  }
  parameters(recurse = true): Tensor[] { return this.namedParameters('', recurse).map((e) => e[1]); }
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this.namedMembers((m) => m.bufs, prefix, recurse);
  }
  buffers(recurse = true): Tensor[] { return this.namedBuffers('', recurse).map((e) => e[1]); }

  private namedMembers(get: (m: Module) => Map<string, Tensor | null>, prefix: string, recurse: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of modules) {
      for (const [k, t] of get(m)) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        out.push([mp ? `${mp}.${k}` : k, t]);
      }
    }
    return out;
  }

  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    for (const [k, m] of this.mods) if (m && !seen.has(m)) { seen.add(m); out.push([k, m]); }
    return out;
  }
  children(): Module[] { return this.namedChildren().map((e) => e[1]); }

  /** This module (key prefix) and every descendant, pre-order. */
  namedModules(prefix = '', memo = new Set<Module>()): [string, Module][] {
    if (memo.has(this)) return [];
    memo.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, m] of this.mods) {
      if (m) out.push(...m.namedModules(prefix ? `${prefix}.${k}` : k, memo));
    }
    return out;
  }
  modules(): Module[] { return this.namedModules().map((e) => e[1]); }

  /** The descendant at a dotted path ('blocks.1.res_blocks.0'); throws if there is none. */
  getSubmodule(path: string): Module {
    if (path === '') return this;
    let m: Module = this;
    for (const part of path.split('.')) {
      const next = m.mods.get(part);
      if (!next) throw new ArgumentError(`${m.typeName} has no submodule '${part}' (looking up '${path}')`);
      m = next;
    }
    return m;
  }
  /** The parameter at a dotted path ('blocks.0.conv.weight'). */
  getParameter(path: string): Tensor {
    const i = path.lastIndexOf('.');
    const m = this.getSubmodule(i < 0 ? '' : path.slice(0, i));
    const t = m.params.get(path.slice(i + 1));
    if (!t) throw new ArgumentError(`${m.typeName} has no parameter '${path.slice(i + 1)}' (looking up '${path}')`);
    return t;
  }

  /** Number of elements over all parameters. */
  numParameters(): number { return this.parameters().reduce((n, p) => n + p.size, 0); }

  // ---- modes and bulk operations ----

  /** Sets training mode on this module and all descendants. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this { return this.train(false); }

  /** Sets requiresGrad on every parameter (freezing a backbone: `model.requiresGrad_(false)`). */
  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad_(on);
    return this;
  }

  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      if (p.grad) { p.grad.dispose(); p.grad = null; }
    }
  }

  /** Calls fn on every descendant, then on this module (post-order, like PyTorch). */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Frees every parameter, buffer and gradient of the tree. Each child's own dispose() runs, so
   * a module that holds tensors outside its registries (kept attention weights, caches) frees
   * them too. The module is unusable afterwards.
   */
  dispose(): void {
    for (const m of this.children()) m.dispose();
    for (const t of [...this.params.values(), ...this.bufs.values()]) t?.dispose();
  }

  // ---- state dict ----

  /**
   * Parameters and persistent buffers by PyTorch key, in PyTorch's order (for each module:
   * its parameters, its buffers, then its children). The tensors are the module's own (shared,
   * like PyTorch's): do not dispose them; pass `{ copy: true }` for owned copies.
   * BatchNorm's `num_batches_tracked` is int64 in PyTorch; here it is an i32 tensor of shape [].
   */
  stateDict(opts: { prefix?: string; copy?: boolean } = {}): StateDict {
    const out: StateDict = {};
    // No de-duplication: a module registered twice appears under both keys, as in PyTorch.
    const walk = (m: Module, mp: string) => {
      const put = (k: string, t: Tensor | null) => {
        if (t) out[mp ? `${mp}.${k}` : k] = opts.copy ? noGrad(() => t.detach()) : t;
      };
      for (const [k, t] of m.params) put(k, t);
      for (const [k, t] of m.bufs) if (!m.nonPersistent.has(k)) put(k, t);
      for (const [k, c] of m.mods) if (c) walk(c, mp ? `${mp}.${k}` : k);
    };
    walk(this, opts.prefix?.replace(/\.$/, '') ?? '');
    return out;
  }

  /**
   * Keys (relative to this module) that may be absent from a loaded state dict; loading fills
   * them with defaults via `fillMissing` (BatchNorm's num_batches_tracked, as PyTorch does for
   * checkpoints without version metadata).
   */
  protected optionalStateKeys(): string[] { return []; }
  protected fillMissing(_key: string): void {}

  /**
   * Other names under which a loaded state dict may carry this module's tensors, as
   * [alias prefix, own prefix] pairs relative to this module: a key `<alias prefix><rest>` loads
   * into `<own prefix><rest>` (PyTorchVideo's MultiScaleAttention registers its pooling layers
   * twice since 2022). Loading accepts either name or both; stateDict() writes own names only.
   */
  protected stateKeyAliases(): [string, string][] { return []; }

  /**
   * Copies values from `sd` (a record or Map of key -> tensor, any dtype convertible to the
   * target's) into this module's parameters and buffers. Nothing is copied unless everything
   * fits: a StateDictError lists every missing, unexpected and mis-shaped key at once. With
   * `strict: false`, missing and unexpected keys are returned instead (shape mismatches still throw).
   */
  loadStateDict(sd: StateDict | Map<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const given = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const own = this.stateDict();
    const optional = new Map<string, [Module, string]>();
    const aliasOf = new Map<string, string>(); // alias key -> own key
    const walk = (m: Module, mp: string) => {
      const full = (k: string) => (mp ? `${mp}.${k}` : k);
      for (const k of m.optionalStateKeys()) optional.set(full(k), [m, k]);
      for (const [alias, name] of m.stateKeyAliases()) {
        for (const k of Object.keys(own)) if (k.startsWith(full(name))) aliasOf.set(full(alias) + k.slice(full(name).length), k);
      }
      for (const [k, c] of m.mods) if (c) walk(c, full(k));
    };
    walk(this, '');
    // Alias keys stand for their own key (used when the own key is absent); never "unexpected".
    const source = new Map([...given].filter(([k]) => !aliasOf.has(k)));
    for (const [alias, k] of aliasOf) if (!source.has(k) && given.has(alias)) source.set(k, given.get(alias)!);
    const missingKeys: string[] = [], unexpectedKeys: string[] = [], toFill: [Module, string][] = [];
    const mismatched: { key: string; expected: number[]; got: number[] }[] = [];
    for (const [k, t] of Object.entries(own)) {
      const src = source.get(k);
      if (src === undefined) {
        const opt = optional.get(k);
        if (opt) toFill.push(opt); else missingKeys.push(k);
      } else if (!(src instanceof Tensor)) {
        mismatched.push({ key: k, expected: [...t.shape], got: [] });
      } else if (!shapeFits(t.shape, src.shape)) {
        mismatched.push({ key: k, expected: [...t.shape], got: [...src.shape] });
      }
    }
    for (const k of source.keys()) if (!(k in own)) unexpectedKeys.push(k);

    if (mismatched.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
      const lines: string[] = [];
      if (strict && unexpectedKeys.length) lines.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
      if (strict && missingKeys.length) lines.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
      for (const m of mismatched) {
        lines.push(m.got.length === 0 && !(source.get(m.key) instanceof Tensor)
          ? `${m.key}: expected a Tensor in the state dict, got ${typeof source.get(m.key)}`
          : `size mismatch for ${m.key}: copying a param with shape ${fmtShape(m.got)} from checkpoint, the shape in current model is ${fmtShape(m.expected)}.`);
      }
      throw new StateDictError(`Error(s) in loading state_dict for ${this.typeName}:\n\t${lines.join('\n\t')}`,
        strict ? missingKeys : [], strict ? unexpectedKeys : [], mismatched);
    }
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) {
        const src = source.get(k);
        if (src) copyInto(t, src);
      }
    });
    for (const [m, k] of toFill) m.fillMissing(k);
    return { missingKeys, unexpectedKeys };
  }

  // ---- forward and printing ----

  /** The computation; subclasses override it with their own signature. */
  forward(..._args: any[]): any {
    throw new ArgumentError(`${this.typeName} has no forward(): subclasses of Module must implement it`);
  }
  /** Same as forward (PyTorch's module(x)). */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    return this.forward(...(args as unknown[]));
  }

  /** The class name shown by toString (PyTorch's _get_name). */
  get typeName(): string { return this.constructor.name; }
  /** The text inside the parentheses of this module's line (PyTorch's extra_repr). */
  extraRepr(): string { return ''; }

  /** The module tree, printed exactly like PyTorch's repr. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [k, m] of this.mods) childLines.push(`(${k}): ${m ? addIndent(m.toString(), 2) : 'None'}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this.typeName}(`;
    if (lines.length) {
      s += extraLines.length === 1 && childLines.length === 0 ? extraLines[0] : `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }
}

/** PyTorch also accepts a 1-element tensor for a 0-dim one (old checkpoints). */
function shapeFits(target: readonly number[], src: readonly number[]): boolean {
  if (target.length === 0 && src.length === 1 && src[0] === 1) return true;
  return target.length === src.length && target.every((d, i) => d === src[i]);
}

/** Copies src's values into dst's storage (same shape), converting dtype and layout, without autograd. */
export function copyInto(dst: Tensor, src: Tensor): void {
  noGrad(() => {
    let s = src;
    const temps: Tensor[] = [];
    if (s.dtype !== dst.dtype) { s = F.cast(s, dst.dtype); temps.push(s); }
    if (s.layout !== dst.layout && s.rank === dst.rank) {
      const l = F.toLayout(s, dst.layout);
      if (l !== s) { s = l; temps.push(s); }
    }
    heapU8().copyWithin(dst.ptr, s.ptr, s.ptr + dst.nbytes);
    for (const t of temps) t.dispose();
  });
}
