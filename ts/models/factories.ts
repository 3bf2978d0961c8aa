// Injectable layer factories, PyTorchVideo's dependency injection: where PyTorchVideo takes a
// class (`norm=nn.BatchNorm3d`) and calls it with keyword arguments, a vidwasm builder takes
// either a function of one options object (`models.BatchNorm3d`) or the Module class itself
// (`nn.BatchNorm3d`, as PyTorchVideo users write it): `injected` turns a class into the factory
// that calls it with `new` and the keyword arguments. `null` means "no layer", as None does.
import { nn, type Tensor } from '../runtime/index.js';

type Size = number | readonly number[];
type Module = InstanceType<typeof nn.Module>;
/** A Module class, accepted wherever a factory is injected. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModuleClass = abstract new (...args: any[]) => Module;

export interface ConvArgs {
  inChannels: number; outChannels: number; kernelSize: Size;
  stride?: Size; padding?: Size; dilation?: Size; groups?: number; bias?: boolean;
}
export interface NormArgs { numFeatures: number; eps?: number; momentum?: number }
export interface PoolArgs { kernelSize: Size; stride?: Size; padding?: Size }

type ConvFn = (a: ConvArgs) => Module;
type NormFn = (a: NormArgs) => Module;
type ActivationFn = () => Module;
type PoolFn = (a: PoolArgs) => Module;
export type ConvFactory = ConvFn | ModuleClass;
export type NormFactory = NormFn | ModuleClass;
export type ActivationFactory = ActivationFn | ModuleClass;
export type PoolFactory = PoolFn | ModuleClass;

// How each torch.nn class is called with PyTorchVideo's keyword arguments.
type Ctor = new (...args: any[]) => Module; // eslint-disable-line @typescript-eslint/no-explicit-any
const conv = (C: Ctor) => (a: ConvArgs) => new C(a.inChannels, a.outChannels, a.kernelSize, {
  stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups, bias: a.bias,
});
const norm = (C: Ctor) => (a: NormArgs) => new C(a.numFeatures, { eps: a.eps, momentum: a.momentum });
const pool = (C: Ctor) => (a: PoolArgs) => new C(a.kernelSize, { stride: a.stride, padding: a.padding });
const noArgs = (C: Ctor) => () => new C();

export const Conv3d: ConvFn = conv(nn.Conv3d);
export const Conv2d: ConvFn = conv(nn.Conv2d);
export const BatchNorm3d: NormFn = norm(nn.BatchNorm3d);
export const BatchNorm2d: NormFn = norm(nn.BatchNorm2d);
export const BatchNorm1d: NormFn = norm(nn.BatchNorm1d);
export const ReLU: ActivationFn = noArgs(nn.ReLU);
export const SiLU: ActivationFn = noArgs(nn.SiLU);
export const Sigmoid: ActivationFn = noArgs(nn.Sigmoid);
export const Softmax: ActivationFn = () => new nn.Softmax(1); // nn.Softmax() in a head: dim 1
export const MaxPool3d: PoolFn = pool(nn.MaxPool3d);
export const AvgPool3d: PoolFn = pool(nn.AvgPool3d);
export const MaxPool2d: PoolFn = pool(nn.MaxPool2d);
export const AvgPool2d: PoolFn = pool(nn.AvgPool2d);

/** Marker for head pools that take an output size (PyTorchVideo checks `pool == nn.AdaptiveAvgPool3d`). */
export const AdaptiveAvgPool3d: PoolFn & { adaptive: true } = Object.assign(
  (a: PoolArgs & { outputSize?: Size }) => new nn.AdaptiveAvgPool3d(a.outputSize ?? a.kernelSize),
  { adaptive: true as const },
);

/** The factory a torch.nn class stands for (a subclass uses its nearest known ancestor's call). */
const CALLS = new Map<unknown, (C: Ctor) => (...a: any[]) => Module>([ // eslint-disable-line @typescript-eslint/no-explicit-any
  [nn.Conv3d, conv], [nn.Conv2d, conv], [nn.BatchNorm3d, norm], [nn.BatchNorm2d, norm], [nn.BatchNorm1d, norm],
  [nn.MaxPool3d, pool], [nn.AvgPool3d, pool], [nn.MaxPool2d, pool], [nn.AvgPool2d, pool],
  [nn.ReLU, noArgs], [nn.SiLU, noArgs], [nn.Sigmoid, noArgs], [nn.GELU, noArgs], [nn.Softmax, (C) => () => new C(1)],
  [nn.AdaptiveAvgPool3d, () => AdaptiveAvgPool3d],
]);

function isModuleClass(v: unknown): v is Ctor {
  return typeof v === 'function' && v.prototype instanceof nn.Module;
}

/**
 * A Module class as a factory: a torch.nn class is called as PyTorchVideo calls it; any other
 * Module class gets `new C(args)` with the one keyword-arguments object (or the bare value a
 * `norm_layer(dim)` style call passes; nothing for an activation). Anything else is returned as is.
 */
export function asFactory<T>(v: T): T {
  if (!isModuleClass(v)) return v;
  for (let c: unknown = v; c && c !== nn.Module; c = Object.getPrototypeOf(c)) {
    const call = CALLS.get(c);
    if (call) return call(v) as T;
  }
  const C = v;
  return ((...a: unknown[]) => new C(...a)) as T;
}

type Resolved<T> = T extends readonly (infer E)[] ? Resolved<E>[] : Exclude<T, ModuleClass>;
/** Builder options with every injected Module class (also inside arrays) turned into its factory. */
export type Injected<O> = { [K in keyof O]: Resolved<O[K]> };

/** What each builder does with its options first: classes become factories (see asFactory). */
export function injected<O extends object>(o: O): Injected<O> {
  const deep = (v: unknown): unknown => (Array.isArray(v) ? v.map(deep) : asFactory(v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = deep(v);
  return out as Injected<O>;
}

/** Runs an optional layer: PyTorchVideo's `if self.x is not None: x = self.x(x)`. */
export function maybe(m: Module | null, x: Tensor): Tensor {
  return m ? m.forward(x) : x;
}

export type Triple = [number, number, number];
/** PyTorchVideo's `[size // 2 for size in kernel]` padding. */
export const halfPad = (k: readonly number[]): number[] => k.map((s) => Math.floor(s / 2));
