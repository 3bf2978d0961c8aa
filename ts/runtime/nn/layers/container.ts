// Containers (torch.nn.Sequential, ModuleList, ModuleDict). Children are registered under
// "0", "1", ... (or the given names), which is how their parameters appear in state dicts
// (`blocks.1.res_blocks.0.branch2.conv_a.weight`). Both are indexable: `seq[0]`, `list[2]`.
import { ArgumentError } from '../../errors.js';
import { Module } from '../module.js';

function index(what: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new ArgumentError(`${what}: index ${i} is out of range for ${n} modules`);
  return i < 0 ? i + n : i;
}

/** A list of modules registered under "0", "1", ...; `list[i]`, `list.get(-1)`, iteration. */
export class ModuleList<T extends Module = Module> extends Module {
  [index: number]: T;
  private items: T[] = [];

  constructor(modules: Iterable<T> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  get length(): number { return this.items.length; }
  append(m: T): this {
    this.set(this.items.length, m);
    return this;
  }
  extend(ms: Iterable<T>): this {
    for (const m of ms) this.append(m);
    return this;
  }
  get(i: number): T { return this.items[index(this.typeName, i, this.items.length)]; }
  /** Replaces module i (or appends when i is the length). */
  set(i: number, m: T): void {
    const k = i === this.items.length ? i : index(this.typeName, i, this.items.length);
    this.registerModule(String(k), m);
    this.items[k] = m;
    // An own numeric property makes `list[k]` work without a Proxy.
    Object.defineProperty(this, k, { value: m, configurable: true, enumerable: false, writable: false });
  }
  [Symbol.iterator](): Iterator<T> { return this.items[Symbol.iterator](); }
  map<R>(fn: (m: T, i: number) => R): R[] { return this.items.map(fn); }
  override forward(): never {
    throw new ArgumentError('ModuleList has no forward(): iterate over its modules');
  }
}

/** Runs its modules in order, feeding each output to the next (torch.nn.Sequential). */
export class Sequential extends Module {
  [index: number]: Module;
  private items: Module[] = [];

  /** `new Sequential(a, b, c)` (keys "0", "1", "2") or `new Sequential({ conv: a, act: b })` (named keys, like an OrderedDict). */
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    if (modules.length === 1 && !(modules[0] instanceof Module)) {
      for (const [k, m] of Object.entries(modules[0] as Record<string, Module>)) this.add(k, m);
    } else {
      (modules as Module[]).forEach((m) => this.append(m));
    }
  }
  get length(): number { return this.items.length; }
  append(m: Module): this { return this.add(String(this.items.length), m); }
  private add(key: string, m: Module): this {
    if (!(m instanceof Module)) throw new ArgumentError(`Sequential: entry '${key}' is not a Module`);
    this.registerModule(key, m);
    Object.defineProperty(this, this.items.length, { value: m, configurable: true, enumerable: false, writable: false });
    this.items.push(m);
    return this;
  }
  get(i: number): Module { return this.items[index('Sequential', i, this.items.length)]; }
  [Symbol.iterator](): Iterator<Module> { return this.items[Symbol.iterator](); }
  override forward(x: unknown): any {
    let y = x;
    for (const m of this.items) y = m.forward(y);
    return y;
  }
}

/** Modules by name (torch.nn.ModuleDict), in insertion order. */
export class ModuleDict<T extends Module = Module> extends Module {
  private entries_ = new Map<string, T>();
  constructor(modules: Record<string, T> | Iterable<[string, T]> = {}) {
    super();
    const it = Symbol.iterator in (modules as object) ? (modules as Iterable<[string, T]>) : Object.entries(modules as Record<string, T>);
    for (const [k, m] of it) this.set(k, m);
  }
  set(key: string, m: T): void { this.registerModule(key, m); this.entries_.set(key, m); }
  get(key: string): T {
    const m = this.entries_.get(key);
    if (!m) throw new ArgumentError(`ModuleDict has no key '${key}'`);
    return m;
  }
  has(key: string): boolean { return this.entries_.has(key); }
  keys(): string[] { return [...this.entries_.keys()]; }
  values(): T[] { return [...this.entries_.values()]; }
  items(): [string, T][] { return [...this.entries_.entries()]; }
  get size(): number { return this.entries_.size; }
  override forward(): never {
    throw new ArgumentError('ModuleDict has no forward(): look its modules up by key');
  }
}
