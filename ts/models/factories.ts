// Injectable layer factories, PyTorchVideo's dependency injection: where PyTorchVideo takes a
// class (`norm=nn.BatchNorm3d`) and calls it with keyword arguments, vidwasm takes a function
// of one options object. `null` means "no layer", as None does in PyTorchVideo.
import { nn, type Tensor } from '../runtime/index.js';

type Size = number | readonly number[];
type Module = InstanceType<typeof nn.Module>;

export interface ConvArgs {
  inChannels: number; outChannels: number; kernelSize: Size;
  stride?: Size; padding?: Size; dilation?: Size; groups?: number; bias?: boolean;
}
export interface NormArgs { numFeatures: number; eps?: number; momentum?: number }
export interface PoolArgs { kernelSize: Size; stride?: Size; padding?: Size }

export type ConvFactory = (a: ConvArgs) => Module;
export type NormFactory = (a: NormArgs) => Module;
export type ActivationFactory = () => Module;
export type PoolFactory = (a: PoolArgs) => Module;

export const Conv3d: ConvFactory = (a) => new nn.Conv3d(a.inChannels, a.outChannels, a.kernelSize, {
  stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, bias: a.bias,
});
export const Conv2d: ConvFactory = (a) => new nn.Conv2d(a.inChannels, a.outChannels, a.kernelSize, {
  stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, bias: a.bias,
});
export const BatchNorm3d: NormFactory = (a) => new nn.BatchNorm3d(a.numFeatures, { eps: a.eps, momentum: a.momentum });
export const BatchNorm2d: NormFactory = (a) => new nn.BatchNorm2d(a.numFeatures, { eps: a.eps, momentum: a.momentum });
export const BatchNorm1d: NormFactory = (a) => new nn.BatchNorm1d(a.numFeatures, { eps: a.eps, momentum: a.momentum });
export const ReLU: ActivationFactory = () => new nn.ReLU();
export const SiLU: ActivationFactory = () => new nn.SiLU();
export const Sigmoid: ActivationFactory = () => new nn.Sigmoid();
export const Softmax: ActivationFactory = () => new nn.Softmax(1);
export const MaxPool3d: PoolFactory = (a) => new nn.MaxPool3d(a.kernelSize, { stride: a.stride, padding: a.padding });
export const AvgPool3d: PoolFactory = (a) => new nn.AvgPool3d(a.kernelSize, { stride: a.stride, padding: a.padding });
export const MaxPool2d: PoolFactory = (a) => new nn.MaxPool2d(a.kernelSize, { stride: a.stride, padding: a.padding });
export const AvgPool2d: PoolFactory = (a) => new nn.AvgPool2d(a.kernelSize, { stride: a.stride, padding: a.padding });

/** Marker for head pools that take an output size (PyTorchVideo checks `pool == nn.AdaptiveAvgPool3d`). */
export const AdaptiveAvgPool3d: PoolFactory & { adaptive: true } = Object.assign(
  (a: PoolArgs & { outputSize?: Size }) => new nn.AdaptiveAvgPool3d(a.outputSize ?? a.kernelSize),
  { adaptive: true as const },
);

/** Runs an optional layer: PyTorchVideo's `if self.x is not None: x = self.x(x)`. */
export function maybe(m: Module | null, x: Tensor): Tensor {
  return m ? m.forward(x) : x;
}

export type Triple = [number, number, number];
/** PyTorchVideo's `[size // 2 for size in kernel]` padding. */
export const halfPad = (k: readonly number[]): number[] => k.map((s) => Math.floor(s / 2));
