// pytorchvideo.accelerator.deployment.mobile_cpu.transmuter: which plain Conv3d layers become which
// mobile_cpu efficient block. Each rule returns the block (holding the very conv it replaces, so
// weights move rather than copy) or null. The first matching rule wins, as in PyTorchVideo.
import { nn } from '../../runtime/index.js';
import type { EfficientBlockBase } from '../efficient_blocks.js';
import { replaceChild } from '../deployment/replace_child.js';
import {
  Conv3d3x1x1BnAct, Conv3d3x3x3DwBnAct, Conv3d5x1x1BnAct, Conv3dPwBnAct, Conv3dTemporalKernel1BnAct,
} from './convolutions.js';

type Conv3d = InstanceType<typeof nn.Conv3d>;
export type Transmuter = (m: nn.Module) => EfficientBlockBase | null;

const eq = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const isPointwise = (c: Conv3d) => eq(c.kernelSize, [1, 1, 1]) && c.groups === 1 && eq(c.stride, [1, 1, 1]) && eq(c.padding, [0, 0, 0]) && eq(c.dilation, [1, 1, 1]);

/** The block with `conv` in place of its own freshly initialised kernel.conv (same configuration). */
function adopt<B extends EfficientBlockBase & { kernel: InstanceType<typeof nn.Sequential> }>(block: B, conv: Conv3d): B {
  const fresh = block.kernel.getAttr('conv') as Conv3d;
  replaceChild(block.kernel, 'conv', conv);
  fresh.dispose();
  return block;
}

const conv3dRule = (match: (c: Conv3d) => EfficientBlockBase & { kernel: InstanceType<typeof nn.Sequential> } | null): Transmuter =>
  (m) => {
    // padding 'same' with an even kernel pads unevenly, which no block does.
    if (!(m instanceof nn.Conv3d) || (m.paddingString === 'same' && m.kernelSize.some((k) => k % 2 === 0))) return null;
    const block = match(m);
    return block ? adopt(block, m) : null;
  };

const opts = (c: Conv3d) => ({ bias: c.bias !== null, activation: 'identity' as const, useBn: false });

export const transmuteConv3dPwBnAct = conv3dRule((c) => (isPointwise(c) ? new Conv3dPwBnAct(c.inChannels, c.outChannels, opts(c)) : null));

export const transmuteConv3d3x3x3DwBnAct = conv3dRule((c) =>
  eq(c.kernelSize, [3, 3, 3]) && c.inChannels === c.outChannels && c.groups === c.outChannels && c.stride[0] === 1 &&
    c.stride[1] === c.stride[2] && eq(c.padding, [1, 1, 1]) && eq(c.dilation, [1, 1, 1])
    ? new Conv3d3x3x3DwBnAct(c.inChannels, { spatialStride: c.stride[1], ...opts(c) }) : null);

export const transmuteConv3dTemporalKernel1BnAct = conv3dRule((c) =>
  !isPointwise(c) && c.kernelSize[0] === 1 && c.kernelSize[1] === c.kernelSize[2] && c.stride[0] === 1 && c.stride[1] === c.stride[2] &&
    c.padding[0] === 0 && c.dilation[0] === 1
    ? new Conv3dTemporalKernel1BnAct(c.inChannels, c.outChannels, {
      groups: c.groups, spatialKernel: c.kernelSize[1], spatialStride: c.stride[1], spatialPadding: c.padding[1], spatialDilation: c.dilation[1], ...opts(c),
    }) : null);

const temporal = (kt: number, Block: typeof Conv3d3x1x1BnAct | typeof Conv3d5x1x1BnAct) => conv3dRule((c) =>
  eq(c.kernelSize, [kt, 1, 1]) && eq(c.stride, [1, 1, 1]) && eq(c.padding, [(kt - 1) / 2, 0, 0]) && eq(c.dilation, [1, 1, 1])
    ? new Block(c.inChannels, c.outChannels, { groups: c.groups, ...opts(c) }) : null);
export const transmuteConv3d3x1x1BnAct = temporal(3, Conv3d3x1x1BnAct);
export const transmuteConv3d5x1x1BnAct = temporal(5, Conv3d5x1x1BnAct);

/** The mobile_cpu transmuter list, in priority order. */
export const EFFICIENT_BLOCK_TRANSMUTER_MOBILE_CPU: readonly Transmuter[] = [
  transmuteConv3dPwBnAct, transmuteConv3d3x3x3DwBnAct, transmuteConv3dTemporalKernel1BnAct, transmuteConv3d3x1x1BnAct, transmuteConv3d5x1x1BnAct,
];
