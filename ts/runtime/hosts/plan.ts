// Inference plans: a static list of buffers and kernel calls that any vidwasm host can execute.
//
// A plan is what the three hosts share to prove they compute the same thing: this runner
// executes it through the loader (Node, browsers, the WASI shim), and the WASI command
// native/kernels/wasi/main.c executes the same bytes with the same kernel object files. Both
// allocate the buffers, copy the data in, then call the kernels in order with the same
// arguments, so the outputs agree bit for bit on any conforming wasm engine.
// Plans are produced by plan_builder.ts, which lowers layers to the kernels the ops use.
//
// Binary format (little-endian u32 words; byte strings padded to 4), version 1:
//   'VWPL' 1 nbuf { nbytes kind [data] }*  ncall { nameLen name sigLen sig nargs { tag a b }* }*
//   outBuf outOff outBytes rank shape[rank] 'LPWV'
// buffer kind: 0 zero-filled, 1 data follows, 2 the input (its raw bytes follow the plan on the
// command's stdin; runPlan takes them as an argument). Argument tag: 0 i32 (a), 1 f32 (a = bits),
// 2 pointer to buffer a at byte offset b, 3 NULL pointer. sig has one letter per argument:
// 'i' (i32 or pointer) or 'f' (f32), the kernel's wasm signature.
import { VidwasmError } from '../errors.js';
import { free, heapU8, kernel, malloc } from '../wasm.js';

export type PlanArg = { i: number } | { f: number } | { buf: number; off?: number } | null;
export interface PlanBuffer {
  nbytes: number;
  kind: 'zero' | 'data' | 'input';
  data?: Uint8Array;
  /** what the buffer holds (not serialised; for debugging). */
  label?: string;
}
export interface PlanCall { kernel: string; sig: string; args: PlanArg[] }
export interface Plan {
  buffers: PlanBuffer[];
  calls: PlanCall[];
  output: { buf: number; off: number; nbytes: number; shape: number[] };
}

const MAGIC = 0x4c505756; // 'VWPL'
const TRAILER = 0x5657504c; // 'LPWV'

export class PlanError extends VidwasmError {
  constructor(message: string) { super('E_PLAN', message); }
}

const f32bits = (f: number) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, f, true); return b.getUint32(0, true); };
const bitsF32 = (u: number) => { const b = new DataView(new ArrayBuffer(4)); b.setUint32(0, u, true); return b.getFloat32(0, true); };

/** Serialises a plan (the file the WASI command reads). */
export function encodePlan(plan: Plan): Uint8Array {
  const words: number[] = [];
  const chunks: Uint8Array[] = [];
  const flush = () => { if (words.length) { chunks.push(new Uint8Array(new Uint32Array(words).buffer)); words.length = 0; } };
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    words.push(b.length);
    flush();
    const padded = new Uint8Array((b.length + 3) & ~3);
    padded.set(b);
    chunks.push(padded);
  };
  words.push(MAGIC, 1, plan.buffers.length);
  for (const b of plan.buffers) {
    words.push(b.nbytes, b.kind === 'zero' ? 0 : b.kind === 'data' ? 1 : 2);
    if (b.kind === 'data') {
      if (!b.data || b.data.byteLength !== b.nbytes) throw new PlanError(`plan buffer ${b.label ?? ''} has ${b.data?.byteLength} bytes of data, expected ${b.nbytes}`);
      flush();
      const padded = new Uint8Array((b.nbytes + 3) & ~3);
      padded.set(b.data);
      chunks.push(padded);
    }
  }
  words.push(plan.calls.length);
  for (const c of plan.calls) {
    str(c.kernel);
    str(c.sig);
    words.push(c.args.length);
    for (const a of c.args) {
      if (a === null) words.push(3, 0, 0);
      else if ('i' in a) words.push(0, a.i >>> 0, 0);
      else if ('f' in a) words.push(1, f32bits(a.f), 0);
      else words.push(2, a.buf, a.off ?? 0);
    }
  }
  const o = plan.output;
  words.push(o.buf, o.off, o.nbytes, o.shape.length, ...o.shape, TRAILER);
  flush();
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

/** Parses a plan file; throws PlanError on anything malformed. */
export function decodePlan(bytes: Uint8Array): Plan {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const u32 = () => {
    if (pos + 4 > bytes.byteLength) throw new PlanError('truncated plan');
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const raw = (n: number) => {
    const padded = (n + 3) & ~3;
    if (pos + padded > bytes.byteLength) throw new PlanError('truncated plan');
    const b = bytes.slice(pos, pos + n);
    pos += padded;
    return b;
  };
  if (u32() !== MAGIC) throw new PlanError('not a vidwasm plan (magic VWPL missing)');
  const version = u32();
  if (version !== 1) throw new PlanError(`unsupported plan version ${version}`);
  const buffers: PlanBuffer[] = [];
  for (let n = u32(), i = 0; i < n; i++) {
    const nbytes = u32(), kind = u32();
    if (kind > 2) throw new PlanError(`bad buffer kind ${kind}`);
    buffers.push(kind === 1 ? { nbytes, kind: 'data', data: raw(nbytes) } : { nbytes, kind: kind === 0 ? 'zero' : 'input' });
  }
  const calls: PlanCall[] = [];
  const dec = new TextDecoder();
  for (let n = u32(), i = 0; i < n; i++) {
    const name = dec.decode(raw(u32()));
    const sig = dec.decode(raw(u32()));
    const args: PlanArg[] = [];
    for (let na = u32(), k = 0; k < na; k++) {
      const tag = u32(), a = u32(), b = u32();
      if (tag === 0) args.push({ i: a | 0 });
      else if (tag === 1) args.push({ f: bitsF32(a) });
      else if (tag === 2) args.push({ buf: a, off: b });
      else if (tag === 3) args.push(null);
      else throw new PlanError(`bad argument tag ${tag} in call to ${name}`);
    }
    calls.push({ kernel: name, sig, args });
  }
  const buf = u32(), off = u32(), nbytes = u32();
  const shape: number[] = [];
  for (let r = u32(), k = 0; k < r; k++) shape.push(u32());
  if (u32() !== TRAILER) throw new PlanError('plan does not end with its trailer');
  if (pos !== bytes.byteLength) throw new PlanError('unexpected bytes after the plan');
  const plan = { buffers, calls, output: { buf, off, nbytes, shape } };
  validatePlan(plan);
  return plan;
}

/** Checks references and signatures (both runners trust a validated plan). */
export function validatePlan(plan: Plan): void {
  const nb = plan.buffers.length;
  if (plan.buffers.filter((b) => b.kind === 'input').length > 1) throw new PlanError('a plan has at most one input buffer');
  for (const c of plan.calls) {
    if (!/^[a-z0-9_]+$/.test(c.kernel)) throw new PlanError(`bad kernel name ${JSON.stringify(c.kernel)}`);
    if (c.sig.length !== c.args.length || /[^if]/.test(c.sig)) throw new PlanError(`call to ${c.kernel}: signature ${c.sig} does not fit ${c.args.length} arguments`);
    c.args.forEach((a, k) => {
      if (a !== null && 'f' in a && c.sig[k] !== 'f') throw new PlanError(`call to ${c.kernel}: argument ${k} is f32 but the signature says i32`);
      if ((a === null || !('f' in a)) && c.sig[k] === 'f') throw new PlanError(`call to ${c.kernel}: argument ${k} must be f32`);
      if (a !== null && 'buf' in a && (a.buf >= nb || (a.off ?? 0) > plan.buffers[a.buf].nbytes)) {
        throw new PlanError(`call to ${c.kernel}: argument ${k} points outside the plan's buffers`);
      }
    });
  }
  const o = plan.output;
  if (o.buf >= nb || o.off + o.nbytes > plan.buffers[o.buf].nbytes) throw new PlanError('plan output is out of range');
  if (o.shape.reduce((a, b) => a * b, 1) * 4 !== o.nbytes) throw new PlanError('plan output shape does not match its byte size');
}

/** Bytes the plan's input buffer expects (0 when the plan embeds its input). */
export function planInputBytes(plan: Plan): number {
  return plan.buffers.find((b) => b.kind === 'input')?.nbytes ?? 0;
}

/**
 * Runs a plan through the loaded kernel module (current backend and ISA variant, like every op)
 * and returns a copy of the output. Buffers are 16-byte aligned and zero-filled, as in the
 * WASI command, and freed afterwards.
 */
export function runPlan(plan: Plan, input?: Float32Array | Uint8Array): Float32Array {
  validatePlan(plan);
  const want = planInputBytes(plan);
  const inBytes = input ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(0);
  if (inBytes.byteLength !== want) throw new PlanError(`plan expects ${want} input bytes, got ${inBytes.byteLength}`);
  const fns = plan.calls.map((c) => {
    const fn = kernel(c.kernel);
    if (fn.length !== c.sig.length) throw new PlanError(`kernel vw_${c.kernel} takes ${fn.length} arguments, the plan passes ${c.sig.length}`);
    return fn;
  });
  const raw: number[] = [];
  const ptr: number[] = [];
  try {
    for (const b of plan.buffers) {
      const p = malloc(b.nbytes + 16, 'plan buffer');
      raw.push(p);
      ptr.push((p + 15) & ~15);
    }
    const heap = heapU8();
    plan.buffers.forEach((b, i) => {
      heap.fill(0, ptr[i], ptr[i] + b.nbytes);
      if (b.kind === 'data') heap.set(b.data!, ptr[i]);
      else if (b.kind === 'input') heap.set(inBytes, ptr[i]);
    });
    plan.calls.forEach((c, k) => {
      const args = c.args.map((a) => (a === null ? 0 : 'i' in a ? a.i : 'f' in a ? a.f : ptr[a.buf] + (a.off ?? 0)));
      fns[k](...args);
    });
    const o = plan.output;
    const start = ptr[o.buf] + o.off;
    return new Float32Array(heapU8().slice(start, start + o.nbytes).buffer);
  } finally {
    for (const p of raw) free(p);
  }
}
