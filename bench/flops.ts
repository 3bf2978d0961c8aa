// Multiply-accumulate count of a model's forward, from the shapes it actually produces: every
// Conv (out positions x Cout x Cin/groups x kernel volume) and Linear (rows x in x out) is
// counted by wrapping its forward for one call. Other layers (norms, pools, activations) are
// left out, as fvcore / PySlowFast leave them out of the zoo's "FLOPs" (which are MACs).
import { nn, type Tensor } from '../ts/node.js';

type Module = InstanceType<typeof nn.Module>;

export interface MacCount { macs: number; convMacs: number; linearMacs: number; layers: number }

export function countMacs(model: Module, run: () => unknown): MacCount {
  const res: MacCount = { macs: 0, convMacs: 0, linearMacs: 0, layers: 0 };
  const restore: (() => void)[] = [];
  for (const [, m] of model.namedModules()) {
    const conv = m instanceof nn.Conv3d || m instanceof nn.Conv2d;
    if (!conv && !(m instanceof nn.Linear)) continue;
    const orig = m.forward;
    const self = m as any;
    self.forward = (x: Tensor, ...rest: unknown[]) => {
      const y = (orig as (...a: unknown[]) => Tensor).apply(m, [x, ...rest]);
      let macs: number;
      if (conv) {
        const vol = (self.kernelSize as number[]).reduce((p, d) => p * d, 1);
        macs = (y.size / self.outChannels) * self.outChannels * (self.inChannels / self.groups) * vol;
        res.convMacs += macs;
      } else {
        macs = (y.size / self.outFeatures) * self.inFeatures * self.outFeatures;
        res.linearMacs += macs;
      }
      res.macs += macs;
      res.layers++;
      return y;
    };
    restore.push(() => { delete self.forward; if (self.forward !== orig) self.forward = orig; });
  }
  try { run(); } finally { for (const r of restore) r(); }
  return res;
}
