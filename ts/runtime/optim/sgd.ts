// SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD), one fused C kernel
// pass per parameter (native/kernels/optim.c: vw_f32_sgd_step).
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import * as vw from '../kernels.gen.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> & { lr: number }) {
    super(params, {
      lr: opts.lr, momentum: opts.momentum ?? 0, dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0, nesterov: opts.nesterov ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    if (!(g.lr >= 0)) throw new ArgumentError(`SGD: invalid learning rate: ${g.lr}`);
    if (!(g.momentum >= 0)) throw new ArgumentError(`SGD: invalid momentum value: ${g.momentum}`);
    if (!(g.weightDecay >= 0)) throw new ArgumentError(`SGD: invalid weight_decay value: ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new ArgumentError('SGD: Nesterov momentum requires a momentum and zero dampening');
    }
  }

  step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const fn = vw.f32_sgd_step;
    for (const group of this.paramGroups) {
      const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
      for (const p of group.params) {
        const g = this.gradOf(p);
        if (!g) continue;
        let flags = (nesterov ? vw.OptFlag.nesterov : 0) | (maximize ? vw.OptFlag.maximize : 0) | (weightDecay !== 0 ? vw.OptFlag.decay : 0);
        // Like PyTorch, every stepped parameter gets a state entry; momentum_buffer stays null without momentum.
        let st = this.state.get(p);
        if (!st) this.state.set(p, (st = { momentum_buffer: null }));
        let buf = (st.momentum_buffer as Tensor | null | undefined) ?? null;
        if (momentum !== 0 && !buf) {
          buf = this.zerosLike(p);
          st.momentum_buffer = buf;
          flags |= vw.OptFlag.first;
        }
        fn(p.ptr, g.ptr, buf ? buf.ptr : 0, p.size, lr, momentum, 1 - dampening, weightDecay, flags);
        if (g !== p.grad) g.dispose();
      }
    }
    return loss;
  }
}
