// Capture: runs a model once (eval, no grad, one thread) with every kernel call and every
// malloc/free reported (wasm.ts setKernelTracer), and turns what it saw into a list of kernel
// calls over symbolic buffers. No per-architecture code: whatever the forward calls is captured.
//
// Each pointer argument is mapped to the allocation holding it: an input, a parameter or buffer
// of the model, or a block allocated during the run. What the pointed-to bytes are at that moment
// decides what the argument becomes:
//   - bytes a kernel of the trace wrote (their hash still matches): an intermediate, a buffer
//     reference; if that kernel only read constants, its output is itself a constant (constant
//     folding: weight packing, parameter-block queries run once, here);
//   - bytes JavaScript wrote (weights, parameter blocks, index tables): a constant, snapshot now.
// New allocations are filled with a poison pattern, so a kernel writing into memory nobody
// initialised is told apart from one accumulating into zeros or JS data; when the previous
// contents of a written buffer might matter, the call is run twice (with and without poison) to
// find out, and if they do, the plan initialises the buffer first.
import { Tensor, nn, VidwasmError } from '../../runtime/index.js';
import { KERNELS, type KernelName } from '../../runtime/kernels.gen.js';
import { boundVariant, heapU8, kernelVariant, setKernelTracer, type KernelFn, type KernelVariant } from '../../runtime/wasm.js';

/** A model whose plan cannot be captured: the message names the module and kernel. */
export class CompileError extends VidwasmError {
  constructor(message: string) { super('E_COMPILE', message); }
}

export interface Buf { id: number; nbytes: number; kind: 'input' | 'temp' }
export interface Const { id: number; bytes: Uint8Array; hash: number }
export type TArg = { i: number } | { f: number } | null | { buf: number; off: number } | { const: number; off: number };
export interface TCall {
  kernel: KernelName;
  /** the export that ran ('base', 'x86', 'arm', 'scalar', ...): constants folded from it (packed weights) are in its format */
  variant: string;
  args: TArg[];
  label: string;
  /** buffers whose contents the call reads (read arguments and written buffers it accumulates into) */
  reads: Set<number>;
  writes: Set<number>;
}
export interface Trace {
  calls: TCall[];
  bufs: Buf[];
  consts: Const[];
  output: { buf: number; off: number; tensor: Tensor };
  inputs: { buf: number; tensor: Tensor }[];
  /** kernel calls the forward made, and how many of them only read constants (folded: never emitted) */
  kernelCalls: number;
  folded: number;
}

type State = { k: 'poison' } | { k: 'host' } | { k: 'kernel'; hash: number; konst: boolean };
/** A block of wasm memory the run uses; `buf` is its plan buffer once a kept call touches it (parameters never get one). */
interface Alloc { ptr: number; nbytes: number; buf: Buf | null; state: State; label: string; param?: true }

function hashBytes(u8: Uint8Array, ptr: number, n: number): number {
  let h = 0x811c9dc5 ^ n;
  const words = n >>> 2;
  const at = u8.byteOffset + ptr;
  if ((at & 3) === 0) {
    const w = new Int32Array(u8.buffer, at, words);
    for (let i = 0; i < words; i++) h = Math.imul(h ^ w[i], 0x01000193);
  } else for (let i = 0; i < words * 4; i++) h = Math.imul(h ^ u8[ptr + i], 0x01000193);
  for (let i = words * 4; i < n; i++) h = Math.imul(h ^ u8[ptr + i], 0x01000193);
  return h >>> 0;
}

const isPoison = (u8: Uint8Array, ptr: number, n: number) => {
  for (let i = 0; i < n; i++) if (u8[ptr + i] !== 0xa5) return false;
  return true;
};
const isZero = (u8: Uint8Array, ptr: number, n: number) => {
  for (let i = 0; i < n; i++) if (u8[ptr + i] !== 0) return false;
  return true;
};

/** Picks the variant of a kernel for one call ('' or null: the one the ops are bound to). */
export type KernelChooser = (kernel: KernelName, label: string) => KernelVariant | null;

/** The module path and class of every running forward, for labels ("blocks.2.res_blocks.0.branch2.conv_b (Conv3d)"). */
function labelModules(model: nn.Module, stack: string[]): () => void {
  const restore: (() => void)[] = [];
  for (const [path, m] of model.namedModules()) {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const forward = m.forward;
    const label = `${path || '(model)'} (${m.constructor.name})`;
    Object.defineProperty(m, 'forward', {
      configurable: true, writable: true,
      value: (...args: unknown[]) => { stack.push(label); try { return forward.apply(m, args); } finally { stack.pop(); } },
    });
    restore.push(() => { if (own) Object.defineProperty(m, 'forward', own); else delete (m as { forward?: unknown }).forward; });
  }
  return () => restore.forEach((r) => r());
}

/**
 * Runs forward(inputs) (the model's forward on them) under the tracer and returns the trace.
 * The caller has put the model in eval mode, grad off, one thread.
 */
export function capture(model: nn.Module, inputs: Tensor[], forward: (inputs: Tensor[]) => unknown, choose?: KernelChooser): Trace {
  const allocs: Alloc[] = [];
  const retired: Alloc[] = []; // recently freed intermediates: sources of copies JS made
  const bufs: Buf[] = [];
  const consts: Const[] = [];
  const constsByHash = new Map<number, Const[]>();
  const calls: TCall[] = [];
  const labels: string[] = [];
  const newBuf = (nbytes: number, kind: Buf['kind']): Buf => {
    const b: Buf = { id: bufs.length, nbytes, kind };
    bufs.push(b);
    return b;
  };
  const label = () => labels[labels.length - 1] ?? '(model)';
  let kernelCalls = 0, folded = 0;

  inputs.forEach((t, i) => {
    const ptr = t.ptr, nbytes = t.nbytes;
    allocs.push({ ptr, nbytes, buf: newBuf(nbytes, 'input'), state: { k: 'kernel', hash: hashBytes(heapU8(), ptr, nbytes), konst: false }, label: `input ${i}` });
  });
  for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) {
    if (!t.isDisposed) allocs.push({ ptr: t.ptr, nbytes: t.nbytes, buf: null, state: { k: 'host' }, label: name, param: true });
  }

  const find = (ptr: number, kernel: string, param: string): Alloc => {
    let hit: Alloc | undefined;
    for (let i = allocs.length - 1; i >= 0 && !hit; i--) { const a = allocs[i]; if (ptr >= a.ptr && ptr < a.ptr + a.nbytes) hit = a; }
    for (let i = allocs.length - 1; i >= 0 && !hit; i--) { const a = allocs[i]; if (ptr === a.ptr + a.nbytes) hit = a; }
    if (!hit) {
      throw new CompileError(`${label()}: vw_${kernel} argument ${param} points to memory the compiler did not see allocated ` +
        '(a tensor made before compile() that is neither an input nor a parameter or buffer of the model); register it as a buffer');
    }
    return hit;
  };
  const constOf = (bytes: Uint8Array): Const => {
    const hash = hashBytes(bytes, 0, bytes.byteLength);
    const same = constsByHash.get(hash)?.find((c) => c.bytes.byteLength === bytes.byteLength && c.bytes.every((v, i) => v === bytes[i]));
    if (same) return same;
    const c: Const = { id: consts.length, bytes: bytes.slice(), hash };
    consts.push(c);
    constsByHash.set(hash, [...(constsByHash.get(hash) ?? []), c]);
    return c;
  };
  /** A call that sets a buffer to `bytes` before its use: f32_fill for zeros, else a byte copy of a constant. */
  const initCall = (buf: number, bytes: Uint8Array): TCall => {
    const base = { variant: 'base', label: `${label()} [initialise]`, reads: new Set<number>(), writes: new Set([buf]) };
    if (isZero(bytes, 0, bytes.byteLength) && bytes.byteLength % 4 === 0) {
      return { ...base, kernel: 'f32_fill', args: [{ buf, off: 0 }, { i: bytes.byteLength / 4 }, { f: 0 }] };
    }
    return { ...base, kernel: 'x8_strided_copy', args: [{ const: constOf(bytes).id, off: 0 }, { buf, off: 0 }, { const: copyBlock(bytes.byteLength), off: 0 }] };
  };
  /**
   * What the bytes of `a` are now: written by a kernel of the trace (and whether that was
   * constant), or by JS. JS copies of a whole intermediate (ops copy an identity "permute" with
   * copyWithin) are recognised by their hash and replayed as a byte-copy kernel call.
   */
  const current = (a: Alloc): State => {
    const u8 = heapU8();
    if (a.state.k === 'host' || a.param) return a.state;
    if (a.state.k === 'poison' && isPoison(u8, a.ptr, a.nbytes)) return a.state;
    const h = hashBytes(u8, a.ptr, a.nbytes);
    if (a.state.k === 'kernel' && h === a.state.hash) return a.state;
    const src = isZero(u8, a.ptr, a.nbytes) ? undefined
      : allocs.find((o) => o !== a && o.buf && o.nbytes === a.nbytes && o.state.k === 'kernel' && !o.state.konst && o.state.hash === h && hashBytes(u8, o.ptr, o.nbytes) === h)
        // a buffer freed since: its plan buffer still holds what the kernel wrote (no later call touches it)
        ?? retired.find((o) => o.nbytes === a.nbytes && o.state.k === 'kernel' && o.state.hash === h);
    if (!src) return (a.state = { k: 'host' });
    const buf = (a.buf ??= newBuf(a.nbytes, 'temp')).id;
    calls.push({ kernel: 'x8_strided_copy', variant: 'base', args: [{ buf: src.buf!.id, off: 0 }, { buf, off: 0 }, { const: copyBlock(a.nbytes), off: 0 }],
      label: `${label()} [copy made in JavaScript]`, reads: new Set([src.buf!.id]), writes: new Set([buf]) });
    return (a.state = { k: 'kernel', hash: h, konst: false });
  };
  /** The x8_strided_copy parameter block of a plain n-byte copy. */
  const copyBlock = (n: number) => constOf(new Uint8Array(Int32Array.of(1, n, 1, 1).buffer)).id;

  const call = (name: KernelName, bound: KernelFn, argv: number[]): number => {
    const info = KERNELS[name];
    const where = `${label()}: vw_${name}`;
    const chosen = choose?.(name, label());
    const variant = chosen || boundVariant(name);
    let fn = bound;
    try { if (chosen) fn = kernelVariant(name, chosen); } catch (e) { throw new CompileError(`${where}: ${(e as Error).message}`); }
    if (name === 'f32_spectrogram' || name === 'f32_melspec_apply') { // melspec_impl.h: p holds pointers
      throw new CompileError(`${where} takes pointers inside its parameter block, which a plan cannot relocate`);
    }
    const ptrArgs: { k: number; a: Alloc; off: number; mode: 'r' | 'w' }[] = [];
    argv.forEach((v, k) => {
      if (info.access[k] === '-' || v === 0) return;
      const a = find(v >>> 0, name, info.params[k]);
      ptrArgs.push({ k, a, off: (v >>> 0) - a.ptr, mode: info.access[k] as 'r' | 'w' });
    });
    const states = new Map(ptrArgs.map((p) => [p.a, current(p.a)]));
    const varying = (a: Alloc) => { const s = states.get(a)!; return s.k === 'kernel' && !s.konst; };
    // A written buffer whose earlier contents are JS data or a folded constant: do they matter?
    const settled = (a: Alloc) => { const s = states.get(a)!; return s.k === 'host' || (s.k === 'kernel' && s.konst); };
    const unsure = [...new Set(ptrArgs.filter((p) => p.mode === 'w' && settled(p.a)).map((p) => p.a))];
    const konst = ptrArgs.every((p) => !varying(p.a));
    kernelCalls++;
    if (konst) folded++;
    if (!konst && unsure.length && !affectsResult(fn, argv, ptrArgs.filter((p) => p.mode === 'w').map((p) => p.a), unsure)) unsure.length = 0;
    const result = fn(...argv);
    if (!konst && result !== undefined) {
      throw new CompileError(`${where} returns a value computed from the input to JavaScript; a plan cannot replay what JavaScript does with it`);
    }
    if (!konst) {
      const reads = new Set<number>(), writes = new Set<number>();
      const bufOf = (a: Alloc) => {
        if (a.param) {
          throw new CompileError(`${where} writes into ${a.label}, a parameter or buffer of the model: a plan cannot update model state (is the model in eval mode?)`);
        }
        return (a.buf ??= newBuf(a.nbytes, 'temp')).id;
      };
      for (const a of unsure) {
        // the previous contents matter: the plan sets them before the call
        const id = bufOf(a);
        calls.push(initCall(id, preBytes.get(a)!));
        reads.add(id);
      }
      const args: TArg[] = argv.map((v, k) => {
        if (info.access[k] === '-') return info.sig[k] === 'f' ? { f: v } : { i: v | 0 };
        if (v === 0) return null;
        const p = ptrArgs.find((q) => q.k === k)!;
        if (p.mode === 'r' && !varying(p.a)) return { const: constOf(heapU8().subarray(p.a.ptr, p.a.ptr + p.a.nbytes)).id, off: p.off };
        const id = bufOf(p.a);
        if (p.mode === 'r' || varying(p.a)) reads.add(id);
        if (p.mode === 'w') writes.add(id);
        return { buf: id, off: p.off };
      });
      calls.push({ kernel: name, variant, args, label: label(), reads, writes });
    }
    preBytes.clear();
    const u8 = heapU8();
    for (const p of ptrArgs) if (p.mode === 'w') p.a.state = { k: 'kernel', hash: hashBytes(u8, p.a.ptr, p.a.nbytes), konst };
    return result;
  };

  // Contents of written buffers before the call, taken by affectsResult.
  const preBytes = new Map<Alloc, Uint8Array>();

  /**
   * Runs the kernel twice, once with `unsure` buffers poisoned, once as they are, and says
   * whether their previous contents change anything it writes (then restores the real result's
   * starting point: the caller runs it for real).
   */
  function affectsResult(fn: KernelFn, argv: number[], written: Alloc[], unsure: Alloc[]): boolean {
    const all = [...new Set(written)];
    let u8 = heapU8();
    for (const a of all) preBytes.set(a, u8.slice(a.ptr, a.ptr + a.nbytes));
    const run = (poison: boolean) => {
      u8 = heapU8();
      for (const a of all) {
        if (poison && unsure.includes(a)) u8.fill(0xa5, a.ptr, a.ptr + a.nbytes);
        else u8.set(preBytes.get(a)!, a.ptr);
      }
      fn(...argv);
      u8 = heapU8();
      return all.map((a) => hashBytes(u8, a.ptr, a.nbytes));
    };
    const poisoned = run(true), real = run(false);
    u8 = heapU8();
    for (const a of all) u8.set(preBytes.get(a)!, a.ptr);
    return poisoned.some((h, i) => h !== real[i]);
  }

  const tracer = {
    wrap: (name: KernelName, fn: KernelFn): KernelFn => (...argv: number[]) => call(name, fn, argv),
    malloc: (ptr: number, nbytes: number) => {
      heapU8().fill(0xa5, ptr, ptr + nbytes);
      allocs.push({ ptr, nbytes, buf: null, state: { k: 'poison' }, label: 'scratch' });
    },
    free: (ptr: number) => {
      const i = allocs.findIndex((a) => a.ptr === ptr && !a.param && a.buf?.kind !== 'input');
      if (i < 0) return;
      const [a] = allocs.splice(i, 1);
      if (a.buf && a.state.k === 'kernel' && !a.state.konst) retired.push(a);
      if (retired.length > 64) retired.shift();
    },
  };
  const restore = labelModules(model, labels);
  let out: unknown;
  setKernelTracer(tracer);
  try {
    out = forward(inputs);
  } finally {
    setKernelTracer(null);
    restore();
  }
  if (!(out instanceof Tensor)) {
    disposeAll(out);
    throw new CompileError('compile: the model must return one tensor (a plan has one output)');
  }
  const a = allocs.find((x) => out.ptr >= x.ptr && out.ptr < x.ptr + x.nbytes);
  const s = a && current(a);
  if (!a || !a.buf || !s || s.k !== 'kernel' || s.konst) {
    out.dispose();
    throw new CompileError('compile: the model\'s output is not computed from its input by kernels (a constant, or written by JavaScript)');
  }
  return { calls, bufs, consts, output: { buf: a.buf.id, off: out.ptr - a.ptr, tensor: out }, inputs: inputs.map((t, i) => ({ buf: i, tensor: t })), kernelCalls, folded };
}

function disposeAll(x: unknown): void {
  if (x instanceof Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeAll);
}
