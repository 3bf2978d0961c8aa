// The functional ops the layers call, with the signatures nn codes against. Each is looked up in
// `ops` when called, so nn works with whichever op families are built and a missing one fails
// with a clear error naming it (rather than breaking the whole runtime at import time).
import type { Tensor } from '../tensor.js';
import { VidwasmError } from '../errors.js';
import * as F from '../ops/index.js';

export type Size3 = number | readonly number[];
export interface ConvOptions { stride?: Size3; padding?: Size3 | 'same' | 'valid'; dilation?: Size3; groups?: number }
export interface PoolOptions { kernelSize: Size3; stride?: Size3; padding?: Size3; dilation?: Size3; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null }
export interface BatchNormOptions { training: boolean; momentum: number; eps: number }
export type Reduction = 'mean' | 'sum' | 'none';

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

export const conv3d = need<[Tensor, Tensor, Tensor | null, ConvOptions], Tensor>('conv3d');
export const conv2d = need<[Tensor, Tensor, Tensor | null, ConvOptions], Tensor>('conv2d');
export const linear = need<[Tensor, Tensor, Tensor | null], Tensor>('linear');
export const maxPool3d = need<[Tensor, PoolOptions], Tensor>('maxPool3d');
export const avgPool3d = need<[Tensor, PoolOptions], Tensor>('avgPool3d');
export const adaptiveAvgPool3d = need<[Tensor, Size3 | readonly (number | null)[]], Tensor>('adaptiveAvgPool3d');
export const batchNorm = need<[Tensor, Tensor | null, Tensor | null, Tensor | null, Tensor | null, BatchNormOptions], Tensor>('batchNorm');
export const layerNorm = need<[Tensor, readonly number[], Tensor | null, Tensor | null, { eps: number }], Tensor>('layerNorm');
export const softmax = need<[Tensor, number], Tensor>('softmax');
export const logSoftmax = need<[Tensor, number], Tensor>('logSoftmax');
export const crossEntropy = need<[Tensor, Tensor, { labelSmoothing?: number; reduction?: Reduction; weight?: Tensor | null; ignoreIndex?: number }], Tensor>('crossEntropy');
export const bceWithLogits = need<[Tensor, Tensor, { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null }], Tensor>('bceWithLogits');
export const mseLoss = need<[Tensor, Tensor, { reduction?: Reduction }], Tensor>('mseLoss');
