// Plans from nn models: walks an nn.Sequential (nested ones included) in eval mode and lowers
// each layer with PlanBuilder, so a model a user built and trained becomes a plan any host runs
// (the WASI command included). Supported layers: Conv3d, BatchNorm3d (running statistics),
// ReLU, MaxPool3d, AdaptiveAvgPool3d, Flatten (to [N, C] after pooling), Linear, Identity and
// Dropout (identities in eval). Anything else is an ArgumentError naming the layer.
import { ArgumentError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Module } from '../nn/module.js';
import { Sequential } from '../nn/layers/container.js';
import { Conv3d } from '../nn/layers/conv.js';
import { BatchNorm3d } from '../nn/layers/norm.js';
import { ReLU } from '../nn/layers/activation.js';
import { MaxPool3d, AdaptiveAvgPool3d } from '../nn/layers/pool.js';
import { Flatten, Identity, Linear } from '../nn/layers/linear.js';
import { Dropout } from '../nn/layers/dropout.js';
import { PlanBuilder, type Size3 } from './plan_builder.js';
import type { Plan } from './plan.js';

const f32 = (t: Tensor | null): Float32Array | null => (t ? (t.toArray() as Float32Array) : null);
const size3 = (v: number | readonly number[]): Size3 => (typeof v === 'number' ? v : [v[0], v[1], v[2]] as const);

function leaves(m: Module, out: [string, Module][], prefix: string): [string, Module][] {
  if (m instanceof Sequential) for (const [k, c] of m.namedChildren()) leaves(c, out, prefix ? `${prefix}.${k}` : k);
  else out.push([prefix || m.constructor.name, m]);
  return out;
}

/** Lowers `model` (eval mode) for inputs of shape [N, C, T, H, W]. */
export function planFromModule(model: Module, inputShape: readonly number[]): Plan {
  if (model.training) throw new ArgumentError('planFromModule: call model.eval() first (plans run inference with running statistics)');
  const b = new PlanBuilder(inputShape);
  for (const [name, m] of leaves(model, [], '')) {
    const where = `planFromModule: layer ${name} (${m.constructor.name})`;
    if (m instanceof Conv3d) {
      const [kt, kh, kw] = m.kernelSize;
      if (m.paddingString === 'same' && m.kernelSize.some((k, i) => (m.dilation[i] * (k - 1)) % 2 === 1)) {
        throw new ArgumentError(`${where}: padding 'same' with an even kernel pads asymmetrically, which plans do not support`);
      }
      b.conv3d(f32(m.weight)!, [m.outChannels, m.inChannels / m.groups, kt, kh, kw], f32(m.bias), {
        stride: size3(m.stride), padding: size3(m.padding), dilation: size3(m.dilation), groups: m.groups,
      });
    } else if (m instanceof BatchNorm3d) {
      if (!m.trackRunningStats || !m.runningMean || !m.runningVar) throw new ArgumentError(`${where}: needs running statistics`);
      b.batchNorm3d(f32(m.runningMean)!, f32(m.runningVar)!, f32(m.weight), f32(m.bias), m.eps);
    } else if (m instanceof ReLU) {
      b.relu();
    } else if (m instanceof MaxPool3d) {
      if (m.ceilMode) throw new ArgumentError(`${where}: ceilMode is not supported in plans`);
      b.maxPool3d({ kernelSize: size3(m.kernelSize), stride: size3(m.stride), padding: size3(m.padding), dilation: size3(m.dilation) });
    } else if (m instanceof AdaptiveAvgPool3d) {
      const o = m.outputSize;
      if (typeof o !== 'number' && o.some((v) => v === null)) throw new ArgumentError(`${where}: outputSize with None is not supported in plans`);
      b.adaptiveAvgPool3d(size3(o as number | number[]));
    } else if (m instanceof Flatten) {
      const s = b.outputShape;
      if (m.startDim !== 1 || (m.endDim !== -1 && m.endDim !== s.length - 1) || s.slice(2).some((d) => d !== 1)) {
        throw new ArgumentError(`${where}: plans flatten only [N, C, 1, 1, 1] to [N, C] (pool first), got ${fmtShape(s)}`);
      }
      // [N, C, 1, 1, 1] channels-last storage already is [N, C]: nothing to do
    } else if (m instanceof Linear) {
      b.linear(f32(m.weight)!, f32(m.bias), m.outFeatures);
    } else if (m instanceof Identity || m instanceof Dropout) {
      // identities in eval mode
    } else {
      throw new ArgumentError(`${where} cannot be lowered to a plan (supported: Conv3d, BatchNorm3d, ReLU, MaxPool3d, AdaptiveAvgPool3d, Flatten, Linear, Identity, Dropout)`);
    }
  }
  return b.build();
}
