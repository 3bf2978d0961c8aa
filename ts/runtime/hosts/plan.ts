// Inference plans: a static list of kernel calls over one arena, which any vidwasm host runs.
//
// A plan is what compile() (ts/accelerator/compile) makes of a model: the kernel calls its
// forward made, in order, with every pointer argument rewritten as an offset into the plan's
// constants (weights already packed, parameter blocks, index tables) or into its arena (the
// inputs, the intermediates and the scratch, placed by liveness so buffers share bytes). This
// runner executes it through the loader (Node, browsers, the WASI shim); the WASI command
// native/kernels/wasi/main.c executes the same bytes with the same kernel objects. Both lay out
// [constants | arena] in one 16-byte-aligned block and call the kernels in order with the same
// arguments, so their outputs agree bit for bit on any conforming wasm engine.
//
// Binary format, little-endian u32 words, strings and byte blobs padded to 4 (version 2):
//   'VWPL' 2 bodyWords checksum  body  'LPWV'
//   body: arenaBytes constBytes constants[constBytes] notes:str meta:str
//         ninputs tensor*  tensor(output)
//         ncall { kernel:str variant:str sig:str label:str nargs { tag value }* }*
//   str: byteLength bytes; tensor: offset nbytes dtype layout rank dims[rank] (offsets into the arena)
//   argument tags: 0 i32, 1 f32 (bits), 2 arena offset, 3 constants offset, 4 NULL pointer.
//   checksum: FNV-1a over the body's u32 words (any single changed byte changes it).
// The kernel is named, not numbered, so a plan survives rebuilds of the module. `variant` is
// the per-call kernel choice ('base', 'x86', 'arm', 'scalar', ...; '' = the host's backend and
// ISA): compile() pins the variant each call ran while it was captured, because constants it
// folded (packed weights) are in that variant's format.
import { VidwasmError } from '../errors.js';
import { DTYPE_BYTES, isDType, type DType } from '../dtype.js';
import { Tensor, type Layout } from '../tensor.js';
import { KERNELS } from '../kernels.gen.js';
import { free, heapU8, kernel, kernelVariant, malloc, memory, type KernelFn, type KernelVariant } from '../wasm.js';

/** A malformed, corrupt or mismatched plan. */
export class PlanError extends VidwasmError {
  constructor(message: string) { super('E_PLAN', message); }
}

export interface PlanTensor { off: number; nbytes: number; dtype: DType; layout: Layout; shape: number[] }
export type PlanArg = { i: number } | { f: number } | { arena: number } | { const: number } | null;
export interface PlanCall {
  kernel: string;
  /** '' = the host's choice; else the export suffix ('base' for vw_<kernel>). */
  variant: string;
  args: PlanArg[];
  /** Where the call came from (module path and class), for explain() and errors. */
  label: string;
}
export interface PlanData {
  arenaBytes: number;
  constants: Uint8Array;
  inputs: PlanTensor[];
  output: PlanTensor;
  calls: PlanCall[];
  /** What compile() did (passes, fused calls), shown by explain(). */
  notes: string;
  /** The application's own description of the plan (JSON text; vidwasm deploy writes the clip geometry and labels). */
  meta: string;
}

const MAGIC = 0x4c505756; // 'VWPL'
const TRAILER = 0x5657504c; // 'LPWV'
export const PLAN_VERSION = 2;
const DTYPES: DType[] = ['f32', 'i32', 'u8', 'i8', 'f16'];
const LAYOUTS: Layout[] = ['contiguous', 'channels_last'];
const MAX_RANK = 8;

const f32bits = (f: number) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, f, true); return b.getUint32(0, true); };
const bitsF32 = (u: number) => { const b = new DataView(new ArrayBuffer(4)); b.setUint32(0, u, true); return b.getFloat32(0, true); };
const align16 = (n: number) => (n + 15) & ~15;

/** FNV-1a over u32 words (the WASI command computes the same). */
export function planChecksum(words: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193) >>> 0;
  return h >>> 0;
}

/** Serialises a plan. */
export function encodePlan(plan: PlanData): Uint8Array {
  validatePlan(plan);
  const parts: Uint8Array[] = [];
  let words: number[] = [];
  const flush = () => { if (words.length) parts.push(new Uint8Array(new Uint32Array(words).buffer)); words = []; };
  const blob = (b: Uint8Array) => {
    words.push(b.byteLength);
    flush();
    const padded = new Uint8Array((b.byteLength + 3) & ~3);
    padded.set(b);
    parts.push(padded);
  };
  const str = (s: string) => blob(new TextEncoder().encode(s));
  const tensor = (t: PlanTensor) => words.push(t.off, t.nbytes, DTYPES.indexOf(t.dtype), LAYOUTS.indexOf(t.layout), t.shape.length, ...t.shape);
  words.push(plan.arenaBytes);
  blob(plan.constants);
  str(plan.notes);
  str(plan.meta);
  words.push(plan.inputs.length);
  plan.inputs.forEach(tensor);
  tensor(plan.output);
  words.push(plan.calls.length);
  for (const c of plan.calls) {
    str(c.kernel); str(c.variant); str(KERNELS[c.kernel as keyof typeof KERNELS].sig); str(c.label);
    words.push(c.args.length);
    for (const a of c.args) {
      if (a === null) words.push(4, 0);
      else if ('i' in a) words.push(0, a.i >>> 0);
      else if ('f' in a) words.push(1, f32bits(a.f));
      else if ('arena' in a) words.push(2, a.arena);
      else words.push(3, a.const);
    }
  }
  flush();
  const bodyBytes = parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(16 + bodyBytes + 4);
  let at = 16;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, PLAN_VERSION, true);
  dv.setUint32(8, bodyBytes / 4, true);
  dv.setUint32(12, planChecksum(new Uint32Array(out.buffer, 16, bodyBytes / 4)), true);
  dv.setUint32(at, TRAILER, true);
  return out;
}

/** Parses plan bytes; anything malformed (truncated, corrupt, from another version) is a PlanError. */
export function decodePlan(bytes: Uint8Array): PlanData {
  if (!(bytes instanceof Uint8Array)) throw new PlanError('a plan is a Uint8Array of plan bytes');
  const copy = bytes.slice(); // aligned, and safe from later changes by the caller
  const dv = new DataView(copy.buffer);
  if (copy.byteLength < 20 || dv.getUint32(0, true) !== MAGIC) throw new PlanError('not a vidwasm plan (magic VWPL missing)');
  const version = dv.getUint32(4, true);
  if (version !== PLAN_VERSION) throw new PlanError(`unsupported plan version ${version} (this build reads version ${PLAN_VERSION})`);
  const bodyWords = dv.getUint32(8, true);
  if (16 + bodyWords * 4 + 4 > copy.byteLength) throw new PlanError(`truncated plan: ${copy.byteLength} bytes, its header says ${16 + bodyWords * 4 + 4}`);
  if (16 + bodyWords * 4 + 4 < copy.byteLength) throw new PlanError('unexpected bytes after the plan');
  if (dv.getUint32(16 + bodyWords * 4, true) !== TRAILER) throw new PlanError('plan does not end with its trailer (LPWV)');
  if (planChecksum(new Uint32Array(copy.buffer, 16, bodyWords)) !== dv.getUint32(12, true)) {
    throw new PlanError('plan checksum mismatch: the file is corrupt');
  }
  const end = 16 + bodyWords * 4;
  let pos = 16;
  const u32 = () => {
    if (pos + 4 > end) throw new PlanError('truncated plan body');
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const blob = () => {
    const n = u32();
    if (n > end - pos) throw new PlanError('truncated plan body');
    const b = copy.slice(pos, pos + n);
    pos += (n + 3) & ~3;
    return b;
  };
  const dec = new TextDecoder('utf-8', { fatal: false });
  const str = () => dec.decode(blob());
  const tensor = (): PlanTensor => {
    const off = u32(), nbytes = u32(), d = u32(), l = u32(), rank = u32();
    if (d >= DTYPES.length || l >= LAYOUTS.length || rank > MAX_RANK) throw new PlanError('bad tensor description in plan');
    const shape: number[] = [];
    for (let k = 0; k < rank; k++) shape.push(u32());
    return { off, nbytes, dtype: DTYPES[d], layout: LAYOUTS[l], shape };
  };
  const arenaBytes = u32();
  const constants = blob();
  const notes = str();
  const meta = str();
  const inputs: PlanTensor[] = [];
  const nin = u32();
  if (nin > 64) throw new PlanError(`plan has ${nin} inputs`);
  for (let i = 0; i < nin; i++) inputs.push(tensor());
  const output = tensor();
  const calls: PlanCall[] = [];
  const ncall = u32();
  if (ncall > (end - pos) / 4) throw new PlanError('truncated plan body');
  for (let i = 0; i < ncall; i++) {
    const kernelName = str(), variant = str(), sig = str(), label = str();
    const na = u32();
    if (na !== sig.length) throw new PlanError(`call ${i} (${kernelName}): ${na} arguments, its signature ${JSON.stringify(sig)} says otherwise`);
    const args: PlanArg[] = [];
    for (let k = 0; k < na; k++) {
      const tag = u32(), v = u32();
      if (tag === 0) args.push({ i: v | 0 });
      else if (tag === 1) args.push({ f: bitsF32(v) });
      else if (tag === 2) args.push({ arena: v });
      else if (tag === 3) args.push({ const: v });
      else if (tag === 4) args.push(null);
      else throw new PlanError(`call ${i} (${kernelName}): bad argument tag ${tag}`);
    }
    const known = KERNELS[kernelName as keyof typeof KERNELS];
    if (known && known.sig !== sig) throw new PlanError(`call ${i}: kernel ${kernelName} has signature ${known.sig} in this build, the plan says ${sig}`);
    calls.push({ kernel: kernelName, variant, args, label });
  }
  if (pos !== end) throw new PlanError('unexpected bytes at the end of the plan body');
  const plan = { arenaBytes, constants, inputs, output, calls, notes, meta };
  validatePlan(plan);
  return plan;
}

/** Checks every reference against the arena and the constants (both runners trust a validated plan). */
export function validatePlan(plan: PlanData): void {
  const fits = (off: number, n: number, size: number) => Number.isInteger(off) && off >= 0 && n >= 0 && off + n <= size;
  const checkTensor = (t: PlanTensor, what: string) => {
    if (!isDType(t.dtype)) throw new PlanError(`${what}: bad dtype`);
    if (t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype] !== t.nbytes) throw new PlanError(`${what}: shape [${t.shape.join(', ')}] does not match its ${t.nbytes} bytes`);
    if (!fits(t.off, t.nbytes, plan.arenaBytes)) throw new PlanError(`${what} lies outside the arena`);
  };
  plan.inputs.forEach((t, i) => checkTensor(t, `plan input ${i}`));
  checkTensor(plan.output, 'plan output');
  plan.calls.forEach((c, i) => {
    const k = KERNELS[c.kernel as keyof typeof KERNELS];
    if (!k) throw new PlanError(`call ${i}: this build has no kernel ${JSON.stringify(c.kernel)}`);
    if (c.args.length !== k.sig.length) throw new PlanError(`call ${i} (${c.kernel}): ${c.args.length} arguments, the kernel takes ${k.sig.length}`);
    // a variant is a flag of the kernel's manifest entry (x86, arm, scalar, ...), or 'base'
    const variantOk = c.variant === '' || (c.variant === 'base' ? k.base : (k as unknown as Record<string, unknown>)[c.variant] === true);
    if (!variantOk) throw new PlanError(`call ${i}: kernel ${c.kernel} has no variant ${JSON.stringify(c.variant)}`);
    c.args.forEach((a, j) => {
      const where = `call ${i} (${c.kernel}) argument ${j} (${k.params[j]})`;
      const isF = a !== null && 'f' in a;
      if (isF !== (k.sig[j] === 'f')) throw new PlanError(`${where}: ${isF ? 'f32' : 'i32'} where the kernel takes ${k.sig[j] === 'f' ? 'f32' : 'i32'}`);
      if (a === null || 'i' in a || 'f' in a) {
        if (a !== null && k.access[j] !== '-') throw new PlanError(`${where}: a pointer argument holds a plain value`);
        return;
      }
      if (k.access[j] === '-') throw new PlanError(`${where}: a value argument holds a pointer`);
      if ('arena' in a ? !fits(a.arena, 0, plan.arenaBytes) : !fits(a.const, 0, plan.constants.byteLength)) throw new PlanError(`${where} points outside the plan`);
      if ('const' in a && k.access[j] === 'w') throw new PlanError(`${where}: a kernel would write into the plan's constants`);
    });
  });
}

type Input = Tensor | ArrayBufferView;

/**
 * A compiled inference plan. `run(x)` executes it through the loaded kernel module on one
 * preallocated block ([constants | arena], allocated at the first run and kept until dispose()).
 */
export class Plan {
  readonly data: PlanData;
  private block = 0;
  /** the wasm memory `block` lives in (setNumThreads' first switch replaces the module and its memory) */
  private mem: WebAssembly.Memory | null = null;
  private fns: KernelFn[] | null = null;

  constructor(data: PlanData) {
    validatePlan(data);
    this.data = data;
  }

  static load(bytes: Uint8Array): Plan { return new Plan(decodePlan(bytes)); }
  save(): Uint8Array { return encodePlan(this.data); }

  /** Bytes of the arena (inputs, intermediates, scratch at their peak). */
  get arenaBytes(): number { return this.data.arenaBytes; }
  get constantBytes(): number { return this.data.constants.byteLength; }
  get inputs(): readonly PlanTensor[] { return this.data.inputs; }
  get output(): PlanTensor { return this.data.output; }

  /** Runs the plan on tensors (converted to the layout each input was traced with); returns the output as a tensor. */
  run(inputs: Tensor | Tensor[]): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const o = this.data.output;
    const y = Tensor.empty(o.shape, o.dtype, o.layout);
    try {
      this.execute(list, (base) => heapU8().copyWithin(y.ptr, base + o.off, base + o.off + o.nbytes));
    } catch (e) { y.dispose(); throw e; }
    return y;
  }

  /** Runs the plan on raw input bytes (each in its traced layout); returns a copy of the output's raw bytes. */
  runBytes(inputs: ArrayBufferView | ArrayBufferView[]): Uint8Array {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    let out = new Uint8Array(0);
    const o = this.data.output;
    this.execute(list, (base) => { out = heapU8().slice(base + o.off, base + o.off + o.nbytes); });
    return out;
  }

  /** Frees the plan's block of wasm memory (the next run allocates it again). */
  dispose(): void {
    if (this.mem === memory()) free(this.block);
    this.block = 0;
  }

  /** A readable listing: sizes, what compile() did, and every call with its arguments. */
  explain(): string {
    const d = this.data;
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const tensor = (t: PlanTensor) => `${t.dtype}[${t.shape.join(', ')}]${t.layout === 'channels_last' ? ' channels-last' : ''} @arena+${t.off}`;
    const arg = (a: PlanArg, name: string) => a === null ? `${name}=NULL` : 'i' in a ? `${name}=${a.i}` : 'f' in a ? `${name}=${a.f}`
      : 'arena' in a ? `${name}=arena+${a.arena}` : `${name}=const+${a.const}`;
    const lines = [
      `plan: ${d.calls.length} kernel calls, arena ${kib(d.arenaBytes)} (peak bytes ${d.arenaBytes}), constants ${kib(d.constants.byteLength)}`,
      ...d.inputs.map((t, i) => `input ${i}: ${tensor(t)}`), `output: ${tensor(d.output)}`,
    ];
    if (d.notes) lines.push(...d.notes.split('\n').map((l) => `note: ${l}`));
    d.calls.forEach((c, i) => {
      const params = KERNELS[c.kernel as keyof typeof KERNELS].params;
      lines.push(`${String(i).padStart(4)} ${c.kernel}${c.variant ? `[${c.variant}]` : ''}(${c.args.map((a, j) => arg(a, params[j])).join(', ')})  ${c.label}`);
    });
    return lines.join('\n');
  }

  private resolve(): KernelFn[] {
    return this.data.calls.map((c, i) => {
      try {
        return c.variant === '' ? kernel(c.kernel) : kernelVariant(c.kernel, c.variant as KernelVariant);
      } catch (e) { throw new PlanError(`call ${i}: ${(e as Error).message}`); }
    });
  }

  private execute(inputs: Input[], readOutput: (arenaBase: number) => void): void {
    const d = this.data;
    if (inputs.length !== d.inputs.length) throw new PlanError(`the plan takes ${d.inputs.length} input(s), got ${inputs.length}`);
    const bytes = inputs.map((x, i) => inputBytes(x, d.inputs[i], i));
    const constLen = align16(d.constants.byteLength);
    if (this.mem !== memory()) this.block = 0; // the old memory went with its module
    if (!this.block) {
      this.mem = memory();
      this.block = malloc(constLen + d.arenaBytes + 16, 'a plan\'s constants and arena');
      this.fns = null;
      heapU8().set(d.constants, (this.block + 15) & ~15); // once: kernels never write constants (validatePlan)
    }
    const base = (this.block + 15) & ~15, arena = base + constLen;
    bytes.forEach((b, i) => heapU8().set(b, arena + d.inputs[i].off));
    const fns = (this.fns ??= this.resolve());
    const args = d.calls.map((c) => c.args.map((a) => (a === null ? 0 : 'i' in a ? a.i : 'f' in a ? a.f : 'arena' in a ? arena + a.arena : base + a.const)));
    for (let i = 0; i < fns.length; i++) {
      try {
        fns[i](...args[i]);
      } catch (e) {
        throw new PlanError(`call ${i} (${d.calls[i].kernel}, ${d.calls[i].label}) failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    readOutput(arena);
  }
}

function inputBytes(x: Input, t: PlanTensor, i: number): Uint8Array {
  if (x instanceof Tensor) {
    if (x.dtype !== t.dtype || x.shape.length !== t.shape.length || x.shape.some((v, k) => v !== t.shape[k])) {
      throw new PlanError(`plan input ${i} must be ${t.dtype}[${t.shape.join(', ')}], got ${x.dtype}[${x.shape.join(', ')}]`);
    }
    const c = x.layout === t.layout ? x : x.toLayout(t.layout);
    try { return heapU8().slice(c.ptr, c.ptr + t.nbytes); } finally { if (c !== x) c.dispose(); }
  }
  const b = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  if (b.byteLength !== t.nbytes) throw new PlanError(`plan input ${i} takes ${t.nbytes} bytes, got ${b.byteLength}`);
  return b;
}

/** Loads plan bytes (PlanError when they are not a valid plan). */
export function loadPlan(bytes: Uint8Array): Plan { return Plan.load(bytes); }
