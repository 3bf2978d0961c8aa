// Reading checkpoints into vidwasm tensors: PyTorch's zip format (torch >= 1.6) and legacy
// format, and safetensors, told apart by content. Never executes anything from the file
// (pickle.ts), reads only the zip entries it needs (zip_reader.ts), checks every tensor against
// its storage, and stays within the limits of limits.ts: a truncated, corrupt or hostile file
// gives a CheckpointError, with every tensor built before the error freed.
import { Tensor } from '../../runtime/tensor.js';
import { heapU8 } from '../../runtime/wasm.js';
import { DTYPE_BYTES, type DType } from '../../runtime/dtype.js';
import { fmtShape } from '../../runtime/errors.js';
import { CheckpointError } from '../errors.js';
import { unpickleAt, label, type StorageRef, type TensorRef, type PickleValue } from './pickle.js';
import { ZipArchive } from './zip_reader.js';
import { sniffFormat } from './format.js';
import { parseSafetensors } from './safetensors.js';
import { DEFAULT_LIMITS, resolveLimits, tensorBudget, type Limits, type ReadLimits } from './limits.js';

/** Element size and vidwasm dtype of each torch storage class (wide types are narrowed). */
const STORAGE: Record<string, { bytes: number; dtype: DType }> = {
  FloatStorage: { bytes: 4, dtype: 'f32' }, DoubleStorage: { bytes: 8, dtype: 'f32' },
  HalfStorage: { bytes: 2, dtype: 'f16' }, BFloat16Storage: { bytes: 2, dtype: 'f32' },
  LongStorage: { bytes: 8, dtype: 'i32' }, IntStorage: { bytes: 4, dtype: 'i32' },
  ShortStorage: { bytes: 2, dtype: 'i32' }, CharStorage: { bytes: 1, dtype: 'i8' },
  ByteStorage: { bytes: 1, dtype: 'u8' }, BoolStorage: { bytes: 1, dtype: 'u8' },
};

/**
 * The value tree of a checkpoint with tensors materialised: dicts are Maps, lists and tuples
 * arrays. An object the pickle shares (memo) stays one shared object, as in Python.
 */
export type TorchValue = PickleValue;

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/**
 * Parses checkpoint bytes of any supported format (zip or legacy torch.save, or safetensors,
 * recognised by content) into a value tree of Maps, arrays, numbers, strings and Tensors.
 */
export function parseTorchFile(bytes: Uint8Array, source = 'checkpoint', opts: ReadLimits = {}): TorchValue {
  const limits = resolveLimits(opts);
  switch (sniffFormat(bytes, source)) {
    case 'torch-zip': return parseZip(bytes, source, limits);
    case 'torch-legacy': return parseLegacy(bytes, source, limits);
    case 'safetensors': return parseSafetensors(bytes, source, limits).tensors;
  }
}

function parseZip(bytes: Uint8Array, source: string, limits: Limits): TorchValue {
  const zip = new ZipArchive(bytes, source, limits);
  const pkl = zip.names().find((n) => /^[^/]+\/data\.pkl$/.test(n) || n === 'data.pkl');
  if (!pkl) throw new CheckpointError(`${source}: zip archive has no data.pkl: not a torch.save file`);
  const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const byteorder = `${prefix}byteorder`;
  if (zip.sizeOf(byteorder) >= 0) {
    const order = zip.sizeOf(byteorder) <= 16 ? new TextDecoder().decode(zip.read(byteorder)).trim() : '?';
    if (order !== 'little') throw new CheckpointError(`${source}: saved with byte order '${order}'; only little-endian checkpoints are read`);
  }
  const entryOf = (key: string) => `${prefix}data/${key}`;
  const keys = new Set<string>();
  const { value } = unpickleAt(zip.read(pkl), 0, {
    source,
    persistentLoad: (pid) => {
      const ref = storageRef(pid, source);
      keys.add(ref.key);
      const have = zip.sizeOf(entryOf(ref.key));
      if (have < 0) throw new CheckpointError(`${source}: storage ${ref.key} is missing from the archive`);
      if (have < ref.numel * STORAGE[ref.type].bytes) {
        throw new CheckpointError(`${source}: storage ${ref.key} holds ${have} bytes, ${ref.numel * STORAGE[ref.type].bytes} declared`);
      }
      return ref;
    },
  });
  zip.checkInflateBudget([...keys].map(entryOf));
  const data = new Map<string, Uint8Array>();
  let storageBytes = 0;
  for (const k of keys) {
    const d = zip.read(entryOf(k));
    data.set(k, d);
    storageBytes += d.length;
  }
  zip.checkUnreadStored();
  return materialise(value, (ref) => data.get(ref.key)!, tensorBudget(limits, storageBytes), limits, source);
}

/**
 * Legacy format: pickles of (magic, protocol, sys_info, object, storage keys), then each
 * storage as an int64 element count and its raw bytes, in the order of the keys.
 */
function parseLegacy(bytes: Uint8Array, source: string, limits: Limits): TorchValue {
  const noPid = { source, persistentLoad: () => { throw new CheckpointError(`${source}: unexpected persistent id in header`); } };
  const magic = unpickleAt(bytes, 0, noPid);
  if (magic.value !== LEGACY_MAGIC) throw new CheckpointError(`${source}: a pickle file, but not a PyTorch checkpoint (bad magic number)`);
  const proto = unpickleAt(bytes, magic.end, noPid);
  if (proto.value !== 1001) throw new CheckpointError(`${source}: unsupported legacy protocol ${label(proto.value)}`);
  const sysInfo = unpickleAt(bytes, proto.end, noPid);
  const refs = new Map<string, StorageRef>();
  const main = unpickleAt(bytes, sysInfo.end, {
    source,
    persistentLoad: (pid) => {
      const ref = storageRef(pid, source);
      if (!refs.has(ref.key)) refs.set(ref.key, ref);
      return refs.get(ref.key)!;
    },
  });
  const keys = unpickleAt(bytes, main.end, noPid);
  if (!Array.isArray(keys.value)) throw new CheckpointError(`${source}: storage key list missing`);
  const data = new Map<string, Uint8Array>();
  let pos = keys.end;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys.value) {
    const ref = typeof key === 'string' ? refs.get(key) : undefined;
    if (!ref) throw new CheckpointError(`${source}: storage ${label(key)} is listed but never used`);
    if (pos + 8 > bytes.length) throw new CheckpointError(`${source}: truncated before storage ${key}`);
    const numel = dv.getBigInt64(pos, true);
    const n = Number(numel) * STORAGE[ref.type].bytes;
    if (numel < 0n || pos + 8 + n > bytes.length) throw new CheckpointError(`${source}: truncated in storage ${key} (${n} bytes expected)`);
    data.set(ref.key, bytes.subarray(pos + 8, pos + 8 + n));
    pos += 8 + n;
  }
  return materialise(main.value, (ref) => {
    const d = data.get(ref.key);
    if (!d) throw new CheckpointError(`${source}: storage ${ref.key} has no data`);
    return d;
  }, tensorBudget(limits, pos - keys.end), limits, source);
}

function storageRef(pid: unknown, source: string): StorageRef {
  // zip: ('storage', type, key, location, numel); legacy adds view metadata
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    throw new CheckpointError(`${source}: unsupported persistent id ${label(pid)}`);
  }
  const type = label(pid[1]);
  if (!Object.hasOwn(STORAGE, type)) throw new CheckpointError(`${source}: unsupported storage type ${type}`);
  if (typeof pid[2] !== 'string') throw new CheckpointError(`${source}: storage key ${label(pid[2])} is not a string`);
  const numel = pid[4];
  if (!Number.isSafeInteger(numel) || (numel as number) < 0) throw new CheckpointError(`${source}: bad storage size ${label(numel)}`);
  return { kind: 'storage', type, key: pid[2], numel: numel as number };
}

const isTensorRef = (v: unknown): v is TensorRef => !!v && typeof v === 'object' && (v as TensorRef).kind === 'tensor';
const isContainer = (v: unknown): v is Map<unknown, unknown> | unknown[] => v instanceof Map || Array.isArray(v);

/** One container being converted in place, and where its iteration stands. */
type Frame = { src: unknown[]; key: number } | { src: Map<unknown, unknown>; it: Iterator<[unknown, unknown]>; key: unknown };

/**
 * Replaces every TensorRef in the tree with a Tensor, in place (the pickle's Maps and arrays are
 * ours alone). Iterative (no recursion a file can drive deep) and linear in the pickle's objects:
 * a shared object is visited once and stays shared; a cycle is refused. On any error the tensors
 * built so far are freed.
 */
function materialise(root: unknown, dataOf: (r: StorageRef) => Uint8Array, budget: number, limits: Limits, source: string): unknown {
  const built = new Map<TensorRef, Tensor>();
  const visited = new Set<unknown>(), open = new Set<unknown>();
  const stack: Frame[] = [];
  let left = budget;
  const where = () => `${source}${stack.length ? `: ${pathOf(stack)}` : ''}`;
  const convert = (v: unknown): unknown => {
    if (isTensorRef(v)) {
      if (!built.has(v)) {
        const t = toTensor(v, dataOf(v.storage), left, limits, where());
        built.set(v, t);
        left -= t.nbytes;
      }
      return built.get(v);
    }
    if (!isContainer(v)) return v; // plain values, sets, opaque objects, bytes: kept as they are
    if (open.has(v)) throw new CheckpointError(`${where()}: the structure contains itself (a cycle)`);
    if (visited.has(v)) return v;
    if (stack.length >= limits.maxDepth) throw new CheckpointError(`${where()}: nested more than ${limits.maxDepth} deep (limit maxDepth)`);
    visited.add(v);
    open.add(v);
    stack.push(v instanceof Map ? { src: v, it: v.entries(), key: undefined } : { src: v, key: -1 });
    return v;
  };
  try {
    const top = convert(root);
    while (stack.length) { // each step converts one child; a container child gets its own frame
      const f = stack[stack.length - 1];
      if (Array.isArray(f.src)) {
        const a = f as Extract<Frame, { key: number }>;
        if (++a.key < a.src.length) { a.src[a.key] = convert(a.src[a.key]); continue; }
      } else {
        const m = f as Extract<Frame, { it: unknown }>;
        const n = m.it.next();
        if (!n.done) { m.key = n.value[0]; m.src.set(m.key, convert(n.value[1])); continue; } // (updating a key keeps the iteration order)
      }
      open.delete(f.src);
      stack.pop();
    }
    return top;
  } catch (e) {
    for (const t of built.values()) t.dispose();
    throw e;
  }
}

/** 'model_state.blocks.0.weight' or '[3][0]...' for the frames open at an error (the last few if deep). */
function pathOf(stack: Frame[]): string {
  const parts = stack.slice(-8).map((f) => (Array.isArray(f.src) ? `[${label(f.key)}]` : `.${label(f.key)}`));
  return (stack.length > 8 ? `(${stack.length - 8} levels)` : '') + parts.join('').replace(/^\./, '');
}

function toTensor(t: TensorRef, raw: Uint8Array, budget: number, limits: Limits, where: string): Tensor {
  const info = STORAGE[t.storage.type];
  const numel = t.shape.reduce((p, d) => p * d, 1);
  if (raw.length < t.storage.numel * info.bytes) {
    throw new CheckpointError(`${where}: storage ${t.storage.key} holds ${raw.length} bytes, ${t.storage.numel * info.bytes} declared`);
  }
  let last = t.offset;
  for (let i = 0; i < t.shape.length; i++) last += (t.shape[i] - 1) * t.stride[i];
  if (numel > 0 && last >= t.storage.numel) {
    throw new CheckpointError(`${where}: tensor ${fmtShape(t.shape)} reads element ${last} of a storage of ${t.storage.numel} (out of bounds)`);
  }
  const nbytes = numel * DTYPE_BYTES[info.dtype];
  if (nbytes > budget) {
    const d = DEFAULT_LIMITS, why = limits.maxTensorBytes === undefined
      ? `the default limit: ${d.tensorBytesPerStorageByte}x the storage bytes in the file, + ${d.tensorBytesSlack / 2 ** 20} MiB` : 'maxTensorBytes';
    throw new CheckpointError(`${where}: tensor ${fmtShape(t.shape)} (a view of ${t.storage.numel} stored elements) needs ${nbytes} bytes, more than the file's tensors may take (${why}; raise maxTensorBytes to load it)`);
  }
  const out = Tensor.empty(t.shape, info.dtype);
  try {
    if (isContiguous(t) && NATIVE.has(t.storage.type)) {
      // Same element type and order: one byte copy straight into wasm memory.
      heapU8().set(raw.subarray(t.offset * info.bytes, (t.offset + numel) * info.bytes), out.ptr);
      return out;
    }
    const dst = out.data();
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const read = reader(t.storage.type, dv, where);
    // Walk the strided view in shape order (handles channels_last and transposed saves).
    const rank = t.shape.length;
    const idx = new Array(rank).fill(0);
    let off = t.offset;
    for (let i = 0; i < numel; i++) {
      dst[i] = read(off);
      for (let d = rank - 1; d >= 0; d--) {
        off += t.stride[d];
        if (++idx[d] < t.shape[d]) break;
        off -= t.stride[d] * t.shape[d];
        idx[d] = 0;
      }
    }
    return out;
  } catch (e) {
    out.dispose();
    throw e;
  }
}

/** Storage types whose bytes are already a vidwasm dtype's. */
const NATIVE = new Set(['FloatStorage', 'HalfStorage', 'IntStorage', 'CharStorage', 'ByteStorage', 'BoolStorage']);

function isContiguous(t: TensorRef): boolean {
  let s = 1;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    if (t.shape[d] !== 1 && t.stride[d] !== s) return false;
    s *= t.shape[d];
  }
  return true;
}

function reader(type: string, dv: DataView, where: string): (i: number) => number {
  switch (type) {
    case 'FloatStorage': return (i) => dv.getFloat32(i * 4, true);
    case 'DoubleStorage': return (i) => dv.getFloat64(i * 8, true);
    case 'HalfStorage': return (i) => dv.getUint16(i * 2, true);
    case 'BFloat16Storage': {
      const f = new Float32Array(1), u = new Uint32Array(f.buffer);
      return (i) => { u[0] = dv.getUint16(i * 2, true) << 16; return f[0]; };
    }
    case 'LongStorage': return (i) => {
      const v = dv.getBigInt64(i * 8, true);
      if (v > 2147483647n || v < -2147483648n) throw new CheckpointError(`${where}: int64 value ${v} does not fit in int32`);
      return Number(v);
    };
    case 'IntStorage': return (i) => dv.getInt32(i * 4, true);
    case 'ShortStorage': return (i) => dv.getInt16(i * 2, true);
    case 'CharStorage': return (i) => dv.getInt8(i);
    default: return (i) => dv.getUint8(i);
  }
}
