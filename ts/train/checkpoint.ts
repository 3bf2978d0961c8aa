// Training checkpoints as torch.save files PyTorch can torch.load (PySlowFast's layout):
//   { model_state, optimizer_state, epoch, step, rng_state, best_metric, trainer }
// written with the zoo's pickle writer and read back with readTorchFile.
// optimizer_state is keyed by int parameter indices like PyTorch's, so torch's
// optimizer.load_state_dict(ckpt['optimizer_state']) takes it as is.
import { Tensor } from '../runtime/tensor.js';
import { random } from '../runtime/random.js';
import { CheckpointError } from '../zoo/errors.js';
import { readTorchFile, serializeTorchFile, type Picklable } from '../zoo/checkpoint/index.js';
import type { Module } from '../runtime/nn/module.js';
import type { Optimizer, OptimizerStateDict } from '../runtime/optim/optimizer.js';
import { writeAtomic } from './fs.js';

export function getRngState(): number[] {
  return random.getState();
}
export function setRngState(st: readonly number[]): void {
  if (st.length !== 5) throw new CheckpointError(`rng_state must hold 5 numbers, got ${st.length}`);
  random.setState(st);
}

export interface TrainingState {
  epoch: number;
  step: number;
  bestMetric: number | null;
  rngState: number[];
  extra?: Record<string, Picklable>;
}

/** torch.save bytes of the model, optimizer and loop state. */
export function serializeTrainingState(model: Module, optimizer: Optimizer<{ lr: number }> | null, st: TrainingState): Uint8Array {
  const value = new Map<string, Picklable>([
    ['model_state', new Map(Object.entries(model.stateDict()))],
    ['optimizer_state', optimizer ? optimizerToPicklable(optimizer.stateDict()) : null],
    ['epoch', st.epoch],
    ['step', st.step],
    // The spare normal is a float; NaN marks "none" (pickle floats carry NaN).
    ['rng_state', st.rngState],
    ['best_metric', st.bestMetric],
    ['trainer', new Map(Object.entries(st.extra ?? {}))],
  ]);
  return serializeTorchFile(value);
}

export async function saveTrainingState(path: string, model: Module, optimizer: Optimizer<{ lr: number }> | null, st: TrainingState): Promise<void> {
  await writeAtomic(path, serializeTrainingState(model, optimizer, st));
}

function optimizerToPicklable(sd: OptimizerStateDict): Picklable {
  const state = new Map<number, Picklable>();
  for (const [k, v] of Object.entries(sd.state)) state.set(Number(k), new Map(Object.entries(v)) as Map<string, Picklable>);
  return new Map<string, Picklable>([
    ['state', state],
    ['param_groups', sd.param_groups.map((g) => new Map(Object.entries(g)) as Map<string, Picklable>)],
  ]);
}

/** Maps to plain objects, recursively (tensors and arrays kept). */
function plain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function disposeAll(v: unknown): void {
  if (v instanceof Tensor) v.dispose();
  else if (v instanceof Map) for (const x of v.values()) disposeAll(x);
  else if (Array.isArray(v)) for (const x of v) disposeAll(x);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) disposeAll(x);
}

/**
 * Restores model weights (and buffers), optimizer state and returns the loop state. The model
 * must have the checkpoint's architecture (a StateDictError lists the differences otherwise).
 */
export async function loadTrainingState(src: string | Uint8Array, model: Module, optimizer: Optimizer<{ lr: number }> | null): Promise<TrainingState> {
  const top = await readTorchFile(src);
  const name = typeof src === 'string' ? src : 'checkpoint bytes';
  try {
    if (!(top instanceof Map) || !(top.get('model_state') instanceof Map)) {
      throw new CheckpointError(`${name}: not a training checkpoint (no 'model_state' entry)`);
    }
    model.loadStateDict(top.get('model_state') as Map<string, Tensor>);
    const opt = top.get('optimizer_state');
    if (optimizer && opt instanceof Map) optimizer.loadStateDict(plain(opt) as OptimizerStateDict);
    const num = (k: string, d: number) => (top.has(k) && top.get(k) !== null ? Number(top.get(k)) : d);
    const rs = top.get('rng_state');
    const extra = top.get('trainer');
    return {
      epoch: num('epoch', 0),
      step: num('step', 0),
      bestMetric: top.get('best_metric') === null || top.get('best_metric') === undefined ? null : Number(top.get('best_metric')),
      rngState: Array.isArray(rs) ? rs.map(Number) : [],
      extra: extra instanceof Map ? plain(extra) as Record<string, Picklable> : {},
    };
  } finally {
    disposeAll(top);
  }
}
