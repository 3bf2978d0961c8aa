// AdamW (torch.optim.AdamW: Adam with decoupled weight decay), one fused C kernel pass per
// parameter (native/kernels/optim.c: vw_f32_adamw_step). Bias corrections are computed here in
// double, as PyTorch computes them in Python.
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import * as vw from '../kernels.gen.js';

export interface AdamWOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: ParamsInput<AdamWOptions>, opts: Partial<AdamWOptions> = {}) {
    super(params, {
      lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 1e-2, amsgrad: opts.amsgrad ?? false, maximize: opts.maximize ?? false,
    });
  }

  protected validate(g: ParamGroup<AdamWOptions>): void {
    if (!(g.lr >= 0)) throw new ArgumentError(`AdamW: invalid learning rate: ${g.lr}`);
    if (!(g.eps >= 0)) throw new ArgumentError(`AdamW: invalid epsilon value: ${g.eps}`);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new ArgumentError(`AdamW: betas must be two numbers, got ${JSON.stringify(g.betas)}`);
    g.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new ArgumentError(`AdamW: invalid beta parameter at index ${i}: ${b}`);
    });
    if (!(g.weightDecay >= 0)) throw new ArgumentError(`AdamW: invalid weight_decay value: ${g.weightDecay}`);
  }

  step(closure?: () => number): number | undefined {
    const loss = closure ? closure() : undefined;
    const fn = vw.f32_adamw_step;
    for (const group of this.paramGroups) {
      const { lr, eps, weightDecay, amsgrad, maximize } = group;
      const [beta1, beta2] = group.betas;
      for (const p of group.params) {
        const g = this.gradOf(p);
        if (!g) continue;
        let st = this.state.get(p);
        if (!st) {
          // Lazy state initialisation, as in PyTorch (step 0, zero moments).
          st = { step: 0, exp_avg: this.zerosLike(p), exp_avg_sq: this.zerosLike(p) };
          if (amsgrad) st.max_exp_avg_sq = this.zerosLike(p);
          this.state.set(p, st);
        }
        if (amsgrad && !st.max_exp_avg_sq) st.max_exp_avg_sq = this.zerosLike(p);
        const step = (st.step as number) + 1;
        st.step = step;
        const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
        const vmax = amsgrad ? (st.max_exp_avg_sq as Tensor).ptr : 0;
        fn(p.ptr, g.ptr, (st.exp_avg as Tensor).ptr, (st.exp_avg_sq as Tensor).ptr, vmax, p.size,
          1 - lr * weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, -(lr / bc1), Math.sqrt(bc2), eps,
          (amsgrad ? vw.OptFlag.amsgrad : 0) | (maximize ? vw.OptFlag.maximize : 0));
        if (g !== p.grad) g.dispose();
      }
    }
    return loss;
  }
}
