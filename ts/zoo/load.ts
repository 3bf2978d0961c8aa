// zoo.load(name, { weights | pretrained }): build a registered model with the hub's keyword
// arguments and load its weights strictly: the checkpoint the caller names (a path, bytes or a
// URL), or with `pretrained: true` the zoo's official checkpoint, downloaded and cached
// (./download.ts). Random weights only when asked for with `pretrained: false`.
import * as models from '../models/index.js';
import * as accelerator from '../accelerator/index.js';
import type { nn } from '../runtime/index.js';
import { ArgumentError } from '../runtime/errors.js';
import { readCheckpoint, type ReadLimits, type Source } from './checkpoint/index.js';
import { pretrainedWeights, type DownloadOptions } from './download.js';
import { modelInfo, listModels, BuilderUnavailableError, type OptionValue } from './registry.js';

type Module = InstanceType<typeof nn.Module>;
type Builder = (o: Record<string, unknown>) => Module;

export interface LoadOptions extends DownloadOptions {
  /** Checkpoint to load: a path, a URL (fetched because you passed it), or the file's bytes; torch.save (zip or legacy) or safetensors, recognised by content. */
  weights?: Source;
  /**
   * true: the zoo's official checkpoint (downloaded once, then cached; see DownloadOptions).
   * false: random initialisation. One of `weights` / `pretrained` is required.
   */
  pretrained?: boolean;
  /** Strict key matching (default true): missing/unexpected keys throw a StateDictError listing them. */
  strict?: boolean;
  /** The checkpoint reader's limits, to raise for an unusual file (see ReadLimits for the defaults). */
  limits?: ReadLimits;
  /** Builder keyword arguments overriding the hub's (camelCase), as hub functions take **kwargs. */
  options?: Record<string, unknown>;
}

/** The builder function ts/models (or, for efficient models, ts/accelerator) exports under `name`, looked up when needed. */
export function resolveBuilder(modelName: string, builder: string | null): Builder {
  if (!builder) throw new BuilderUnavailableError(modelName, null, `: ${modelInfo(modelName).notes ?? 'not loadable'}`);
  const fn = (models as Record<string, unknown>)[builder] ?? (accelerator as Record<string, unknown>)[builder];
  if (typeof fn !== 'function') throw new BuilderUnavailableError(modelName, builder);
  return fn as Builder;
}

/** Registry options with {factory: 'MaxPool3d'} references replaced by the ts/models factories. */
export function resolveOptions(modelName: string, v: OptionValue): unknown {
  if (Array.isArray(v)) return v.map((x) => resolveOptions(modelName, x));
  if (v && typeof v === 'object') {
    if (typeof (v as { factory?: unknown }).factory === 'string' && Object.keys(v).length === 1) {
      const name = (v as { factory: string }).factory;
      const fn = (models as Record<string, unknown>)[name];
      if (typeof fn !== 'function') throw new BuilderUnavailableError(modelName, name, ' (a layer factory its options name)');
      return fn;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveOptions(modelName, x)]));
  }
  return v;
}

/** Builds a registered model (random init) with the hub's arguments, overridden by `options`. */
export function build(name: string, options: Record<string, unknown> = {}): Module {
  const info = modelInfo(name);
  const builder = resolveBuilder(name, info.builder);
  return builder({ ...(resolveOptions(name, info.options) as Record<string, unknown>), ...options });
}

/**
 * Builds `name` and, if `weights` is given, loads its state dict (from {model_state: ...} or a
 * bare state dict). The returned model is in training mode, as torch hub returns it; call eval().
 */
export async function load(name: string, opts: LoadOptions = {}): Promise<Module> {
  const { strict = true, options = {}, pretrained, limits } = opts;
  modelInfo(name); // an unknown name fails first, with suggestions
  if (opts.weights !== undefined && pretrained !== undefined) {
    throw new ArgumentError(`zoo.load('${name}'): pass either weights or pretrained, not both`);
  }
  if (opts.weights === undefined && pretrained === undefined) {
    throw new ArgumentError(`zoo.load('${name}') needs to know which weights: { pretrained: true } downloads (once, then caches) `
      + `the zoo's checkpoint, { weights: path | URL | bytes } loads yours, { pretrained: false } builds it with random weights`);
  }
  const weights = pretrained ? await pretrainedWeights(name, opts) : opts.weights;
  const net = build(name, options);
  return weights === undefined ? net : loadWeightsInto(net, weights, { strict, limits });
}

/** Reads a checkpoint into `net` (strict by default); on failure `net` is disposed and the error rethrown. */
export async function loadWeightsInto(net: Module, weights: Source, o: { strict?: boolean; limits?: ReadLimits } = {}): Promise<Module> {
  let sd: Map<string, import('../runtime/index.js').Tensor> | undefined;
  try {
    sd = await readCheckpoint(weights, o.limits);
    net.loadStateDict(sd, { strict: o.strict ?? true });
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    if (sd) for (const t of sd.values()) t.dispose();
  }
  return net;
}

/** camelCase of a hub function name: x3d_xs -> x3dXs, slowfast_16x8_r101_50_50 -> slowfast16x8R101_50_50. */
export function hubKey(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/_(\d)/g, (m, d: string, i: number, s: string) => (/[a-z]/i.test(s[i - 1]) ? d : m));
}

/** `pretrained`: true downloads the zoo checkpoint (as torch hub does); a path, URL or bytes loads that file. */
export interface HubOptions extends Record<string, unknown> { pretrained?: boolean | Source }
export type HubLoader = (o?: HubOptions) => Promise<Module>;

/**
 * torch-hub style loaders, one per PyTorchVideo hub function: `hub.x3dXs({ pretrained: true })`
 * downloads the zoo checkpoint, `hub.x3dXs({ pretrained: 'X3D_XS.pyth' })` loads that file, and
 * `hub.x3dXs()` is randomly initialised (torch hub's default, pretrained=False).
 */
export const hub: Record<string, HubLoader> = Object.fromEntries(listModels()
  .filter((n) => modelInfo(n).hub)
  .map((n) => [hubKey(modelInfo(n).hub!), ({ pretrained = false, ...kwargs }: HubOptions = {}) =>
    load(n, typeof pretrained === 'boolean' ? { pretrained, options: kwargs } : { weights: pretrained, options: kwargs })]));
