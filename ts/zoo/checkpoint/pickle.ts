// A whitelist unpickler for PyTorch checkpoints. It implements the pickle opcodes that
// torch.save writes (protocols 2-5) as a small stack machine that never executes anything:
// a GLOBAL may name only the few callables below, which we emulate; any other global becomes
// an inert marker, and calling it (REDUCE/NEWOBJ/BUILD) is refused with an error naming it.
// Pickle has no jumps or loops, so reading is linear in the input: a hostile file cannot hang.
// Shared objects (memo GET) stay shared references, one per opcode: a 785-byte file of nested
// lists that reuse each other has 10^8 paths but a few hundred objects, and torch_file.ts keeps
// them shared too, so its cost stays linear in its size.
import { CheckpointError } from '../errors.js';

/** A reference to tensor bytes stored elsewhere in the checkpoint (persistent id). */
export interface StorageRef {
  kind: 'storage';
  /** torch storage class, e.g. 'FloatStorage'. */
  type: string;
  key: string;
  numel: number;
}

/** What _rebuild_tensor_v2 describes: a strided view of a storage. */
export interface TensorRef {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

/** An object of a global we do not execute (kept so unrelated parts of a checkpoint still load). */
export interface OpaqueObject { kind: 'opaque'; global: string; state?: unknown }

export type PickleValue = unknown;

class Global { constructor(readonly name: string) {} }
class Mark {}
const MARK = new Mark();

/** Callables a checkpoint may use; each is emulated here, never looked up or run. */
const ALLOWED = new Set([
  'collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_parameter', 'builtins.set', 'builtins.frozenset', 'torch.device',
]);
/** Globals that are inert data (storage classes) and may appear as persistent-id arguments. */
const STORAGE_TYPES = new Set([
  'FloatStorage', 'DoubleStorage', 'HalfStorage', 'BFloat16Storage', 'LongStorage', 'IntStorage',
  'ShortStorage', 'CharStorage', 'ByteStorage', 'BoolStorage',
]);
/** Known harmless globals whose objects we keep as opaque data (e.g. a training config). */
const OPAQUE_OK = /^(argparse\.Namespace|fvcore\.common\.config\.CfgNode|yacs\.config\.CfgNode|numpy\.dtype|numpy\.core\.multiarray\.scalar|_codecs\.encode)$/;

export interface UnpickleOptions {
  /** Turns a persistent id tuple into a value (torch: ('storage', type, key, location, numel)). */
  persistentLoad: (pid: unknown) => unknown;
  /** Name of the file or entry, for error messages. */
  source: string;
}

export function unpickle(data: Uint8Array, opts: UnpickleOptions): PickleValue {
  return unpickleAt(data, 0, opts).value;
}

/** Reads one pickle starting at `start`; returns it and the offset just after its STOP. */
export function unpickleAt(data: Uint8Array, start: number, opts: UnpickleOptions): { value: PickleValue; end: number } {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dec = new TextDecoder('utf-8', { fatal: false });
  let pos = start;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const fail = (msg: string): never => { throw new CheckpointError(`${opts.source}: ${msg} (pickle offset ${pos})`); };
  const need = (n: number) => { if (pos + n > data.length) fail('truncated pickle data'); };
  const u8 = () => { need(1); return data[pos++]; };
  const u16 = () => { need(2); const v = dv.getUint16(pos, true); pos += 2; return v; };
  const i32 = () => { need(4); const v = dv.getInt32(pos, true); pos += 4; return v; };
  const u32 = () => { need(4); const v = dv.getUint32(pos, true); pos += 4; return v; };
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true); pos += 8;
    if (v > BigInt(data.length)) fail('length field larger than the file');
    return Number(v);
  };
  const bytes = (n: number) => { need(n); const b = data.subarray(pos, pos + n); pos += n; return b; };
  const line = () => {
    const end = data.indexOf(10, pos);
    if (end < 0) fail('unterminated text line');
    const s = dec.decode(data.subarray(pos, end)); pos = end + 1; return s;
  };
  const pop = () => { if (stack.length === 0) fail('stack underflow'); return stack.pop(); };
  const popMark = () => {
    if (marks.length === 0) fail('MARK expected');
    const m = marks.pop()!;
    if (m > stack.length) fail('corrupt MARK');
    return stack.splice(m);
  };
  const top = () => { if (stack.length === 0) fail('stack underflow'); return stack[stack.length - 1]; };
  const getMemo = (k: number) => { if (!memo.has(k)) fail(`memo key ${k} missing`); return memo.get(k); };
  const setItems = (d: unknown, kv: unknown[]) => {
    if (!(d instanceof Map)) fail('SETITEM(S) on a non-dict');
    if (kv.length % 2) fail('odd number of items for SETITEMS');
    for (let i = 0; i < kv.length; i += 2) (d as Map<unknown, unknown>).set(kv[i], kv[i + 1]);
  };

  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof Global)) fail('REDUCE on something that is not a global');
    const name = (fn as Global).name;
    const a = Array.isArray(args) ? args : fail(`arguments of ${name} are not a tuple`);
    switch (name) {
      case 'collections.OrderedDict':
        return new Map();
      case 'torch._utils._rebuild_tensor_v2':
      case 'torch._utils._rebuild_tensor': {
        const [storage, offset, shape, stride] = a as [StorageRef, number, number[], number[]];
        if (!storage || (storage as StorageRef).kind !== 'storage') fail('_rebuild_tensor without a storage');
        if (!Number.isInteger(offset) || offset < 0) fail('tensor with a bad storage offset');
        const isInts = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
        if (!isInts(shape) || !isInts(stride) || shape.length !== stride.length) fail('tensor with a bad size/stride');
        return { kind: 'tensor', storage, offset, shape, stride } satisfies TensorRef;
      }
      case 'torch._utils._rebuild_parameter': // (data, requires_grad, backward_hooks)
        return a[0];
      case 'builtins.set':
      case 'builtins.frozenset':
        return new Set(Array.isArray(a[0]) ? a[0] : []);
      case 'torch.device':
        return `device(${label(a[0])})`;
    }
    if (OPAQUE_OK.test(name)) return { kind: 'opaque', global: name } satisfies OpaqueObject;
    return fail(`refusing to call ${name}: checkpoints may only contain tensors, dicts and plain values`);
  };

  for (;;) {
    if (pos >= data.length) fail('pickle ended without STOP');
    const op = data[pos++];
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME (length only; frames are inline)
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} values on the stack`);
        return { value: stack[0], end: pos };
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x49: { // INT (text), also used for bools 00/01
        const s = line().trim();
        stack.push(s === '00' ? false : s === '01' ? true : Number.parseInt(s, 10));
        break;
      }
      case 0x4c: stack.push(Number.parseInt(line().trim().replace(/L$/, ''), 10)); break; // LONG
      case 0x8a: { // LONG1
        const n = u8();
        const b = bytes(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x8b: fail('LONG4 integers are not supported'); break;
      case 0x47: { need(8); stack.push(dv.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT (big-endian)
      case 0x46: stack.push(Number.parseFloat(line())); break; // FLOAT
      case 0x58: stack.push(dec.decode(bytes(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(dec.decode(bytes(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(dec.decode(bytes(u64()))); break; // BINUNICODE8
      case 0x56: stack.push(line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
      case 0x55: stack.push(dec.decode(bytes(u8()))); break; // SHORT_BINSTRING
      case 0x54: stack.push(dec.decode(bytes(i32()))); break; // BINSTRING
      case 0x53: stack.push(line().replace(/^'|'$/g, '')); break; // STRING
      case 0x43: stack.push(bytes(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(bytes(u32()).slice()); break; // BINBYTES
      case 0x8e: stack.push(bytes(u64()).slice()); break; // BINBYTES8
      case 0x96: stack.push(bytes(u64()).slice()); break; // BYTEARRAY8
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = pop(); const l = top(); if (!Array.isArray(l)) fail('APPEND to a non-list'); (l as unknown[]).push(v); break; }
      case 0x65: { // APPENDS (a loop, not push(...vs): a million items would overflow the call stack)
        const vs = popMark(); const l = top();
        if (!Array.isArray(l)) fail('APPENDS to a non-list');
        for (const v of vs) (l as unknown[]).push(v);
        break;
      }
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const kv = popMark(); const d = new Map(); setItems(d, kv); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(), k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; } // SETITEMS
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { const vs = popMark(); const s = top(); if (!(s instanceof Set)) fail('ADDITEMS to a non-set'); for (const v of vs) (s as Set<unknown>).add(v); break; }
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x70: memo.set(Number.parseInt(line(), 10), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: stack.push(getMemo(Number.parseInt(line(), 10))); break; // GET
      case 0x68: stack.push(getMemo(u8())); break; // BINGET
      case 0x6a: stack.push(getMemo(u32())); break; // LONG_BINGET
      case 0x63: { // GLOBAL module\nname\n
        const mod = line(), name = line();
        stack.push(global(`${mod}.${name}`));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(), mod = pop();
        if (typeof name !== 'string' || typeof mod !== 'string') fail('STACK_GLOBAL of something that is not a name');
        stack.push(global(`${mod as string}.${name as string}`));
        break;
      }
      case 0x52: { const args = pop(), fn = pop(); stack.push(call(fn, args)); break; } // REDUCE
      case 0x81: { const args = pop(), cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(), cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ_EX
      case 0x62: { // BUILD: setstate on the object below
        const state = pop();
        const obj = top();
        if (obj instanceof Map) break; // OrderedDict's _metadata: irrelevant to values
        if (obj && typeof obj === 'object' && (obj as OpaqueObject).kind === 'opaque') { (obj as OpaqueObject).state = state; break; }
        if (obj && typeof obj === 'object' && (obj as TensorRef).kind === 'tensor') break;
        fail('BUILD on an object vidwasm does not construct');
        break;
      }
      case 0x51: stack.push(opts.persistentLoad(pop())); break; // BINPERSID
      case 0x50: stack.push(opts.persistentLoad(line())); break; // PERSID
      case 0x69: fail('INST opcode (old-style class instance) refused'); break;
      case 0x6f: fail('OBJ opcode (class instance) refused'); break;
      case 0x82: case 0x83: case 0x84: fail('EXT opcodes (copyreg extension registry) refused'); break;
      case 0x97: fail('out-of-band buffers are not supported'); break; // NEXT_BUFFER
      case 0x98: break; // READONLY_BUFFER
      default: fail(`unknown pickle opcode 0x${op.toString(16)}`);
    }
  }

  function global(name: string): Global | string {
    if (ALLOWED.has(name) || OPAQUE_OK.test(name)) return new Global(name);
    const m = /^torch\.(\w+Storage)$/.exec(name);
    if (m && STORAGE_TYPES.has(m[1])) return m[1]; // storage classes are just names to us
    // Anything else may only sit as inert data; calling it is refused by call().
    return new Global(name);
  }
}

/** A short description of a pickle value for error messages: never recurses into it. */
export function label(v: unknown, nested = false): string {
  if (typeof v === 'string') return v.length > 60 ? `'${v.slice(0, 60)}...'` : nested ? `'${v}'` : v;
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  if (v instanceof Global) return v.name;
  if (Array.isArray(v)) return nested || v.length > 8 ? `a tuple of ${v.length}` : `(${v.map((x) => label(x, true)).join(', ')})`;
  if (v instanceof Map) return `a dict of ${v.size}`;
  return 'an object';
}
