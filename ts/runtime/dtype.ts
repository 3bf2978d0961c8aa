// Element types. f16 is a storage type (checkpoints, deployment); compute happens in f32.
export type DType = 'f32' | 'i32' | 'u8' | 'i8' | 'f16';

export const DTYPE_BYTES: Record<DType, number> = { f32: 4, i32: 4, u8: 1, i8: 1, f16: 2 };

export type TypedArrayOf<D extends DType> = D extends 'f32' ? Float32Array
  : D extends 'i32' ? Int32Array
  : D extends 'u8' ? Uint8Array
  : D extends 'i8' ? Int8Array
  : Uint16Array;

export type AnyTypedArray = Float32Array | Int32Array | Uint8Array | Int8Array | Uint16Array;

export function viewOf(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): AnyTypedArray {
  switch (dtype) {
    case 'f32': return new Float32Array(buffer, byteOffset, length);
    case 'i32': return new Int32Array(buffer, byteOffset, length);
    case 'u8': return new Uint8Array(buffer, byteOffset, length);
    case 'i8': return new Int8Array(buffer, byteOffset, length);
    case 'f16': return new Uint16Array(buffer, byteOffset, length);
  }
}

export function dtypeOfArray(a: AnyTypedArray | number[]): DType {
  if (a instanceof Float32Array || Array.isArray(a)) return 'f32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'u8';
  if (a instanceof Int8Array) return 'i8';
  return 'f16';
}

export function isDType(x: unknown): x is DType {
  return x === 'f32' || x === 'i32' || x === 'u8' || x === 'i8' || x === 'f16';
}
