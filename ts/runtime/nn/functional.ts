// The functional ops the layers call, with the signatures nn codes against. Each is looked up in
// `ops` when called, so nn works with whichever op families are built and a missing one fails
// with a clear error naming it (rather than breaking the whole runtime at import time).
import type { Tensor } from '../tensor.js';
import { VidwasmError } from '../errors.js';
import * as F from '../ops/index.js';

export type Size3 = number | readonly number[];
export type { ConvOptions, Reduction } from '../ops/index.js';
export interface PoolOptions { kernelSize: Size3; stride?: Size3; padding?: Size3; dilation?: Size3; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null }
export interface BatchNormOptions { training: boolean; momentum: number; eps: number }

type Fn<A extends unknown[], R> = (...args: A) => R;

function need<A extends unknown[], R>(name: string): Fn<A, R> {
  return (...args: A) => {
    const f = (F as unknown as Record<string, unknown>)[name];
    if (typeof f !== 'function') {
      throw new VidwasmError('E_NO_OP', `ops.${name} is not available in this build of vidwasm (nn needs it)`);
    }
    return (f as Fn<A, R>)(...args);
  };
}

// Landed op families: re-exported, so their signatures are checked at compile time.
export { conv3d, conv2d, linear, softmax, logSoftmax, crossEntropy, bceWithLogits, mseLoss } from '../ops/index.js';
// Op families still being written: looked up at call time.
export const maxPool3d = need<[Tensor, PoolOptions], Tensor>('maxPool3d');
export const avgPool3d = need<[Tensor, PoolOptions], Tensor>('avgPool3d');
export const adaptiveAvgPool3d = need<[Tensor, Size3 | readonly (number | null)[]], Tensor>('adaptiveAvgPool3d');
export const batchNorm = need<[Tensor, Tensor | null, Tensor | null, Tensor | null, Tensor | null, BatchNormOptions], Tensor>('batchNorm');
export const layerNorm = need<[Tensor, readonly number[], Tensor | null, Tensor | null, { eps: number }], Tensor>('layerNorm');
