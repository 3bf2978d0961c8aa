// Ownership of wasm memory. Tensors are freed explicitly (dispose), by tidy() scopes, or, as a
// safety net, by a FinalizationRegistry when a tensor is garbage-collected. The safety net is
// silent unless debug mode is on (setDebug(true), or VIDWASM_DEBUG=1 in Node): as in tfjs,
// dispose/tidy are an optimisation, not something a correct program must do.
import { free, fmtBytes } from './wasm.js';

/** A block of wasm memory shared by a tensor and its views (reshape of a contiguous tensor). */
export class Storage {
  refs = 0;
  constructor(public ptr: number, public readonly nbytes: number) {
    liveBytes += nbytes;
    liveStorages++;
    registry.register(this, { ptr, nbytes }, this);
  }
  retain(): void { this.refs++; }
  release(): void {
    if (--this.refs > 0 || this.ptr === 0) return;
    registry.unregister(this);
    free(this.ptr);
    liveBytes -= this.nbytes;
    liveStorages--;
    this.ptr = 0;
  }
}

let liveBytes = 0;
let liveStorages = 0;
let warnedLeak = false;
let debug = !!(globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.VIDWASM_DEBUG;

/** Debug mode: warn (once) when a tensor is freed by the garbage collector instead of dispose/tidy. */
export function setDebug(on: boolean): void { debug = on; }
export function isDebug(): boolean { return debug; }

const registry = new FinalizationRegistry<{ ptr: number; nbytes: number }>(({ ptr, nbytes }) => {
  free(ptr);
  liveBytes -= nbytes;
  liveStorages--;
  if (debug && !warnedLeak) {
    warnedLeak = true;
    console.warn(`vidwasm: a tensor (${fmtBytes(nbytes)}) was garbage-collected without dispose(); ` +
      'use tidy() or dispose() to free wasm memory promptly (further leaks are not reported)');
  }
});

/** Bytes and blocks held by live tensors (not the wasm memory size, which never shrinks). */
export function memoryStats(): { liveBytes: number; liveTensors: number } {
  return { liveBytes, liveTensors: liveStorages };
}

/** Anything that tidy() can track. */
export interface Disposable { dispose(): void; readonly isDisposed: boolean; kept: boolean }

const scopes: Disposable[][] = [];

/** Called for every new tensor: the innermost tidy scope will dispose it unless it escapes. */
export function track<T extends Disposable>(t: T): T {
  const top = scopes[scopes.length - 1];
  if (top && !t.kept) top.push(t);
  return t;
}

/** Excludes a tensor from every tidy scope (parameters, optimizer state, gradients). */
export function keep<T extends Disposable>(t: T): T {
  t.kept = true;
  return t;
}

/**
 * Runs fn and disposes every tensor it created, except those it returns (a tensor, or an
 * array / plain object of tensors) and those marked with keep(). Returned tensors move to
 * the enclosing scope. fn must be synchronous.
 */
export function tidy<R>(fn: () => R): R {
  return scoped(fn);
}

/**
 * Names tensors created in a scope that outlive it besides the returned ones: `created` are the
 * scope's tensors, `escaping` the returned ones. Survivors move to the enclosing scope.
 */
export type Survivors = (created: ReadonlySet<Disposable>, escaping: ReadonlySet<Disposable>) => Iterable<Disposable>;

/** tidy() with extra survivors (Module.forward keeps what the autograd graph of its output needs). */
export function scoped<R>(fn: () => R, survivors?: Survivors): R {
  scopes.push([]);
  let result: R;
  try {
    result = fn();
  } catch (e) {
    endScope(undefined);
    throw e;
  }
  if (result instanceof Promise) {
    endScope(undefined);
    throw new TypeError('tidy() takes a synchronous function; dispose tensors of async code explicitly');
  }
  endScope(result, survivors);
  return result;
}

function endScope(result: unknown, survivors?: Survivors): void {
  const scope = scopes.pop()!;
  const escaping = new Set<Disposable>();
  collect(result, escaping, 0);
  const staying = new Set(escaping);
  if (survivors && scope.length) for (const t of survivors(new Set(scope), escaping)) staying.add(t);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (staying.has(t) || t.kept) {
      if (parent && !t.kept) parent.push(t);
    } else if (!t.isDisposed) t.dispose();
  }
}

function collect(x: unknown, out: Set<Disposable>, depth: number): void {
  if (x === null || typeof x !== 'object' || depth > 4) return;
  if (typeof (x as Disposable).dispose === 'function' && 'isDisposed' in (x as object)) {
    out.add(x as Disposable);
    return;
  }
  if (Array.isArray(x)) for (const v of x) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype || x instanceof Map) {
    for (const v of x instanceof Map ? x.values() : Object.values(x)) collect(v, out, depth + 1);
  }
}
