// Learning-rate schedules, evaluated per optimizer step at a fractional epoch
// (epoch = step / itersPerEpoch), as PySlowFast's get_lr_at_epoch does:
//   cosine:   endLr + (lr - endLr) * (cos(pi * (e - offset) / (epochs - offset)) + 1) / 2
//   step:     lr * gamma ^ (number of milestones <= e)      (torch MultiStepLR, milestones in epochs)
//   constant: lr
// and a linear warm-up from warmupStartLr to the schedule's value at warmupEpochs.
import { ArgumentError } from '../runtime/errors.js';

export type ScheduleName = 'cosine' | 'step' | 'constant';

export interface ScheduleOptions {
  schedule?: ScheduleName;
  /** Base learning rate. */
  lr: number;
  /** Length of the schedule in epochs (may be fractional). */
  epochs: number;
  /** Optimizer steps per epoch (fractional epochs are step / itersPerEpoch). */
  itersPerEpoch: number;
  warmupEpochs?: number;
  warmupStartLr?: number;
  /** Step decay: epochs at which the lr is multiplied by gamma. */
  steps?: number[];
  gamma?: number;
  /** Cosine: final learning rate (PySlowFast COSINE_END_LR). */
  endLr?: number;
  /** Cosine: start the cosine after the warm-up instead of at epoch 0 (COSINE_AFTER_WARMUP). */
  cosineAfterWarmup?: boolean;
}

/** A schedule as a function of the global step. */
export type LrSchedule = (step: number) => number;

export function makeSchedule(o: ScheduleOptions): LrSchedule {
  const name = o.schedule ?? 'cosine';
  if (!['cosine', 'step', 'constant'].includes(name)) throw new ArgumentError(`lr schedule must be 'cosine', 'step' or 'constant', got '${name}'`);
  if (!(o.lr >= 0)) throw new ArgumentError(`lr schedule: invalid learning rate ${o.lr}`);
  if (!(o.itersPerEpoch > 0)) throw new ArgumentError(`lr schedule: itersPerEpoch must be positive, got ${o.itersPerEpoch}`);
  if (!(o.epochs > 0)) throw new ArgumentError(`lr schedule: epochs must be positive, got ${o.epochs}`);
  const warm = o.warmupEpochs ?? 0, warmStart = o.warmupStartLr ?? 0;
  const endLr = o.endLr ?? 0, gamma = o.gamma ?? 0.1;
  const steps = [...(o.steps ?? [])].sort((a, b) => a - b);
  if (name === 'step' && steps.length === 0) throw new ArgumentError(`lr schedule 'step' needs steps (milestone epochs)`);
  const offset = o.cosineAfterWarmup ? warm : 0;
  const base = (e: number): number => {
    if (name === 'constant') return o.lr;
    if (name === 'step') {
      let k = 0;
      for (const m of steps) if (e >= m) k++;
      return o.lr * gamma ** k;
    }
    return endLr + (o.lr - endLr) * (Math.cos(Math.PI * (e - offset) / (o.epochs - offset)) + 1) * 0.5;
  };
  return (step: number) => {
    const e = step / o.itersPerEpoch;
    if (e < warm) {
      const end = base(warm);
      return warmStart + e * (end - warmStart) / warm;
    }
    return base(e);
  };
}

/** One-off evaluation: the learning rate at a global step. */
export function lrAt(step: number, o: ScheduleOptions): number {
  return makeSchedule(o)(step);
}
