// Optimizer base (torch.optim.Optimizer): parameter groups with per-group hyperparameters,
// per-parameter state, zeroGrad, and state dicts in PyTorch's layout:
//   { state: { 0: { momentum_buffer }, ... }, param_groups: [{ lr, weight_decay, ..., params: [0, 1] }] }
// Group options are camelCase in code (group.weightDecay) and snake_case in state dicts
// (weight_decay), so an optimizer state saved by PyTorch loads here and vice versa.
import { Tensor } from '../tensor.js';
import { keep } from '../memory.js';
import { ArgumentError, StateDictError, fmtShape } from '../errors.js';
import * as F from '../ops/index.js';
import { copyInto } from '../nn/module.js';

export type ParamsInput<O> = Iterable<Tensor> | (Partial<O> & { params: Iterable<Tensor> })[];
export type ParamGroup<O> = O & { params: Tensor[] };
export type OptimState = Record<string, Tensor | number | null>;

export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number | null>>;
  param_groups: Record<string, unknown>[];
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, Adam moments), created on the first step. */
  readonly state = new Map<Tensor, OptimState>();
  readonly defaults: O;

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = { ...defaults };
    const list = [...params] as unknown[];
    if (list.length === 0) throw new ArgumentError(`${this.constructor.name}: got an empty parameter list`);
    type GroupIn = Partial<O> & { params: Iterable<Tensor> };
    const groups: GroupIn[] = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as GroupIn] : (list as GroupIn[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group; options it does not set take the optimizer's defaults. */
  addParamGroup(group: Partial<O> & { params: Iterable<Tensor> }): void {
    const name = this.constructor.name;
    if (!group || typeof group !== 'object' || !group.params) throw new ArgumentError(`${name}: a parameter group needs a 'params' list`);
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${name}: parameters must be Tensors`);
      if (p.dtype !== 'f32') throw new ArgumentError(`${name}: can only optimize f32 tensors, got ${p.describe()}`);
      if (seen.has(p)) throw new ArgumentError(`${name}: ${p.describe()} appears in more than one parameter group`);
      seen.add(p);
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Throws an ArgumentError for invalid hyperparameters (PyTorch's checks). */
  protected abstract validate(group: ParamGroup<O>): void;

  /** Applies one update to every parameter that has a gradient. Returns closure() if given. */
  abstract step(closure?: () => number): number | undefined;

  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) if (p.grad) { p.grad.dispose(); p.grad = null; }
    }
  }

  /** The gradient of p in p's storage layout (a temporary when it differs; the caller disposes it). */
  protected gradOf(p: Tensor): Tensor | null {
    const g = p.grad;
    if (!g || g.isDisposed) return null;
    if (g.shape.join() !== p.shape.join()) {
      throw new ArgumentError(`${this.constructor.name}.step: gradient ${fmtShape(g.shape)} does not match ${p.describe()}`);
    }
    return g.layout === p.layout ? g : F.toLayout(g, p.layout);
  }

  /** A zero-filled state tensor shaped and laid out like p, outside every tidy scope. */
  protected zerosLike(p: Tensor): Tensor {
    return keep(Tensor.full(p.shape, 0, 'f32', { layout: p.layout }));
  }

  /**
   * PyTorch's layout. Tensors are the optimizer's own (shared, like PyTorch's state_dict):
   * do not dispose them. Numbers stay numbers (Adam's `step`).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[snake(k)] = Array.isArray(v) ? [...v] : v;
      out.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return out;
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Restores hyperparameters and state (copied) from a state dict of the same parameter
   * structure. Accepts PyTorch's forms: `step` as a tensor, `momentum_buffer: null`.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (!sd || !Array.isArray(sd.param_groups) || typeof sd.state !== 'object') {
      throw new StateDictError(`${name}.loadStateDict: expected { state, param_groups }`);
    }
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new StateDictError(`${name}.loadStateDict: the state dict has ${sd.param_groups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const problems: string[] = [];
    sd.param_groups.forEach((sg, gi) => {
      const ids = sg.params as number[];
      const own = this.paramGroups[gi].params;
      if (!Array.isArray(ids) || ids.length !== own.length) {
        problems.push(`group ${gi} has ${Array.isArray(ids) ? ids.length : '?'} parameters in the state dict, ${own.length} in the optimizer`);
        return;
      }
      ids.forEach((id, j) => byIndex.set(id, own[j]));
    });
    const loaded = new Map<Tensor, Record<string, unknown>>();
    for (const [k, s] of Object.entries(sd.state ?? {})) {
      const p = byIndex.get(Number(k));
      if (!p) { problems.push(`state for parameter ${k}, which no group lists`); continue; }
      for (const [sk, v] of Object.entries(s)) {
        if (v instanceof Tensor && v.size !== 1 && v.shape.join() !== p.shape.join()) {
          problems.push(`state '${sk}' of parameter ${k} has shape ${fmtShape(v.shape)}, the parameter ${fmtShape(p.shape)}`);
        }
      }
      loaded.set(p, s);
    }
    if (problems.length) throw new StateDictError(`Error(s) in loading the state dict of ${name}:\n\t${problems.join('\n\t')}`);

    // Everything fits: replace hyperparameters and state.
    sd.param_groups.forEach((sg, gi) => {
      const g = this.paramGroups[gi] as Record<string, unknown>;
      for (const [k, v] of Object.entries(sg)) {
        const ck = camel(k);
        if (k !== 'params' && ck in this.defaults) g[ck] = Array.isArray(v) ? [...v] : v;
      }
      this.validate(this.paramGroups[gi]);
    });
    this.clearState();
    for (const [p, s] of loaded) {
      const st: OptimState = {};
      for (const [k, v] of Object.entries(s)) {
        if (v === null || v === undefined) { st[k] = null; continue; }
        if (v instanceof Tensor && v.shape.join() === p.shape.join()) {
          const t = this.zerosLike(p);
          copyInto(t, v);
          st[k] = t;
        } else st[k] = v instanceof Tensor ? v.item() : (v as number);
      }
      this.state.set(p, st);
    }
  }

  private clearState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }

  /** Frees the optimizer's state tensors (not the parameters). */
  dispose(): void { this.clearState(); }
}
