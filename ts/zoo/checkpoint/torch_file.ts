// Reading PyTorch checkpoints: the zip format (torch >= 1.6) and the legacy format, into
// vidwasm tensors. Never executes anything from the file (see pickle.ts) and checks every
// tensor against its storage, so a truncated or hostile file gives a CheckpointError.
import { unzipSync } from 'fflate';
import { Tensor } from '../../runtime/tensor.js';
import { heapU8 } from '../../runtime/wasm.js';
import type { DType } from '../../runtime/dtype.js';
import { fmtShape } from '../../runtime/errors.js';
import { CheckpointError } from '../errors.js';
import { unpickleAt, type StorageRef, type TensorRef, type PickleValue } from './pickle.js';

/** Element size and vidwasm dtype of each torch storage class (wide types are narrowed). */
const STORAGE: Record<string, { bytes: number; dtype: DType }> = {
  FloatStorage: { bytes: 4, dtype: 'f32' }, DoubleStorage: { bytes: 8, dtype: 'f32' },
  HalfStorage: { bytes: 2, dtype: 'f16' }, BFloat16Storage: { bytes: 2, dtype: 'f32' },
  LongStorage: { bytes: 8, dtype: 'i32' }, IntStorage: { bytes: 4, dtype: 'i32' },
  ShortStorage: { bytes: 2, dtype: 'i32' }, CharStorage: { bytes: 1, dtype: 'i8' },
  ByteStorage: { bytes: 1, dtype: 'u8' }, BoolStorage: { bytes: 1, dtype: 'u8' },
};

/** The value tree of a checkpoint with tensors materialised (dicts are Maps, tuples arrays). */
export type TorchValue = PickleValue;

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** Parses torch.save bytes (zip or legacy) into a value tree of Maps, arrays, numbers and Tensors. */
export function parseTorchFile(bytes: Uint8Array, source = 'checkpoint'): TorchValue {
  if (bytes.length < 4) throw new CheckpointError(`${source}: file is ${bytes.length} bytes, too short to be a checkpoint`);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return parseZip(bytes, source);
  if (bytes[0] === 0x80) return parseLegacy(bytes, source);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new CheckpointError(`${source}: a gzip file, not a PyTorch checkpoint`);
  throw new CheckpointError(`${source}: not a PyTorch checkpoint (unknown magic bytes ${hex(bytes.subarray(0, 4))})`);
}

function parseZip(bytes: Uint8Array, source: string): TorchValue {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new CheckpointError(`${source}: corrupt or truncated zip archive (${(e as Error).message})`);
  }
  const pkl = Object.keys(files).find((n) => /^[^/]+\/data\.pkl$/.test(n) || n === 'data.pkl');
  if (!pkl) throw new CheckpointError(`${source}: zip archive has no data.pkl: not a torch.save file`);
  const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const storages = new Map<string, { bytes: Uint8Array; ref: StorageRef }>();
  const { value } = unpickleAt(files[pkl], 0, {
    source,
    persistentLoad: (pid) => {
      const ref = storageRef(pid, source);
      const entry = files[`${prefix}data/${ref.key}`];
      if (!entry) throw new CheckpointError(`${source}: storage ${ref.key} is missing from the archive`);
      storages.set(ref.key, { bytes: entry, ref });
      return ref;
    },
  });
  return materialise(value, (ref) => storages.get(ref.key)!.bytes, source);
}

/**
 * Legacy format: pickles of (magic, protocol, sys_info, object, storage keys), then each
 * storage as an int64 element count and its raw bytes, in the order of the keys.
 */
function parseLegacy(bytes: Uint8Array, source: string): TorchValue {
  const noPid = { source, persistentLoad: () => { throw new CheckpointError(`${source}: unexpected persistent id in header`); } };
  const magic = unpickleAt(bytes, 0, noPid);
  if (BigInt(magic.value as number | bigint) !== LEGACY_MAGIC) {
    throw new CheckpointError(`${source}: a pickle file, but not a PyTorch checkpoint (bad magic number)`);
  }
  const proto = unpickleAt(bytes, magic.end, noPid);
  if (proto.value !== 1001) throw new CheckpointError(`${source}: unsupported legacy protocol ${String(proto.value)}`);
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
  for (const key of keys.value as string[]) {
    const ref = refs.get(String(key));
    if (!ref) throw new CheckpointError(`${source}: storage ${String(key)} is listed but never used`);
    if (pos + 8 > bytes.length) throw new CheckpointError(`${source}: truncated before storage ${key}`);
    const numel = Number(dv.getBigInt64(pos, true));
    const n = numel * STORAGE[ref.type].bytes;
    if (numel < 0 || pos + 8 + n > bytes.length) throw new CheckpointError(`${source}: truncated in storage ${key} (${n} bytes expected)`);
    data.set(ref.key, bytes.subarray(pos + 8, pos + 8 + n));
    pos += 8 + n;
  }
  return materialise(main.value, (ref) => {
    const d = data.get(ref.key);
    if (!d) throw new CheckpointError(`${source}: storage ${ref.key} has no data`);
    return d;
  }, source);
}

function storageRef(pid: unknown, source: string): StorageRef {
  // zip: ('storage', type, key, location, numel); legacy adds view metadata
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    throw new CheckpointError(`${source}: unsupported persistent id ${JSON.stringify(pid)?.slice(0, 80)}`);
  }
  const type = String(pid[1]);
  if (!STORAGE[type]) throw new CheckpointError(`${source}: unsupported storage type ${type}`);
  const numel = Number(pid[4]);
  if (!Number.isSafeInteger(numel) || numel < 0) throw new CheckpointError(`${source}: bad storage size ${String(pid[4])}`);
  return { kind: 'storage', type, key: String(pid[2]), numel };
}

/** Replaces every TensorRef in the tree with a Tensor (dicts stay Maps). */
function materialise(v: unknown, dataOf: (r: StorageRef) => Uint8Array, source: string, path = '', seen = new Set<unknown>()): unknown {
  if (v && typeof v === 'object') {
    if ((v as TensorRef).kind === 'tensor') return toTensor(v as TensorRef, dataOf((v as TensorRef).storage), `${source}${path ? `: ${path}` : ''}`);
    if (seen.has(v)) throw new CheckpointError(`${source}: self-referencing structure at ${path || 'top level'}`);
    seen.add(v);
    if (v instanceof Map) {
      const out = new Map();
      for (const [k, x] of v) out.set(k, materialise(x, dataOf, source, path ? `${path}.${String(k)}` : String(k), seen));
      seen.delete(v);
      return out;
    }
    if (Array.isArray(v)) {
      const out = v.map((x, i) => materialise(x, dataOf, source, `${path}[${i}]`, seen));
      seen.delete(v);
      return out;
    }
    seen.delete(v);
  }
  return v;
}

function toTensor(t: TensorRef, raw: Uint8Array, where: string): Tensor {
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
  const out = Tensor.empty(t.shape, info.dtype);
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

function hex(b: Uint8Array): string { return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' '); }
