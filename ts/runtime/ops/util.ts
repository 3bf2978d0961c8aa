// Shared checks and helpers for op implementations.
import { DTypeError, ShapeError, ArgumentError, fmtShape } from '../errors.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/** Throws a typed error unless t is a live tensor of one of the dtypes. */
export function expectTensor(op: string, what: string, t: unknown, dtypes: DType[] = ['f32']): asserts t is Tensor {
  const x = t as Tensor;
  if (!x || typeof x !== 'object' || !('shape' in x) || !('dtype' in x)) {
    throw new ArgumentError(`${op}: ${what} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  }
  void x.ptr; // throws DisposedError naming the tensor
  if (!dtypes.includes(x.dtype)) {
    throw new DTypeError(`${op}: ${what} must be ${dtypes.join(' or ')}, got ${x.describe()}`);
  }
}

export function expectRank(op: string, what: string, t: Tensor, ranks: number[]): void {
  if (!ranks.includes(t.rank)) {
    throw new ShapeError(`${op}: ${what} must have ${ranks.join(' or ')} dims, got ${fmtShape(t.shape)}`);
  }
}

/** Normalises a possibly negative dim; throws naming the op. */
export function normDim(op: string, dim: number, rank: number): number {
  if (!Number.isInteger(dim) || dim < -Math.max(rank, 1) || dim >= Math.max(rank, 1)) {
    throw new ArgumentError(`${op}: dim ${dim} is out of range for a tensor of rank ${rank}`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Expands a size option given as one number or an array of n numbers. */
export function tuple(op: string, name: string, v: number | readonly number[] | undefined, n: number, dflt: number): number[] {
  if (v === undefined) return new Array(n).fill(dflt);
  const arr = typeof v === 'number' ? new Array(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((x) => !Number.isInteger(x))) {
    throw new ArgumentError(`${op}: ${name} must be an integer or ${n} integers, got ${JSON.stringify(v)}`);
  }
  return arr;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Kernel name prefix of the copy/permute kernels for elements of `bytes` bytes (x32_*, x16_*, x8_*). */
export const elementWidth = (bytes: number): 'x32' | 'x16' | 'x8' => (bytes === 4 ? 'x32' : bytes === 2 ? 'x16' : 'x8');
