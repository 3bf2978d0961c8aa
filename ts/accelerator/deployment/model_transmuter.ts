// pytorchvideo.accelerator.deployment.common.model_transmuter: replace, in place, every submodule
// of a model that has an equivalent efficient block for the target device (outputs unchanged).
import { nn, ArgumentError } from '../../runtime/index.js';
import { EfficientBlockBase } from '../efficient_blocks.js';
import { EFFICIENT_BLOCK_TRANSMUTER_MOBILE_CPU, type Transmuter } from '../mobile_cpu/transmuter.js';
import { replaceChild } from './replace_child.js';

/** Transmuter lists by target device. */
export const EFFICIENT_BLOCK_TRANSMUTER_REGISTRY: Record<string, readonly Transmuter[]> = {
  mobile_cpu: EFFICIENT_BLOCK_TRANSMUTER_MOBILE_CPU,
};

export interface TransmuteReport {
  /** One entry per replaced submodule: its dotted path, its class and the efficient block's class. */
  replaced: { name: string; from: string; to: string }[];
}

/**
 * Walks the model's submodules depth first; a submodule with an equivalent efficient block is
 * replaced by it (its weights move into the block: keys `conv_a.weight` become
 * `conv_a.kernel.conv.weight`), others are searched in turn. Efficient blocks already in the
 * model are left alone. Returns what changed.
 */
export function transmuteModel(model: nn.Module, opts: { targetDevice?: string } = {}): TransmuteReport {
  const device = opts.targetDevice ?? 'mobile_cpu';
  const rules = Object.hasOwn(EFFICIENT_BLOCK_TRANSMUTER_REGISTRY, device) ? EFFICIENT_BLOCK_TRANSMUTER_REGISTRY[device] : undefined;
  if (!rules) throw new ArgumentError(`transmuteModel: no transmuter for target device '${device}' (registered: ${Object.keys(EFFICIENT_BLOCK_TRANSMUTER_REGISTRY).join(', ')})`);
  if (!(model instanceof nn.Module)) throw new ArgumentError('transmuteModel: model must be an nn.Module');
  const report: TransmuteReport = { replaced: [] };
  const walk = (parent: nn.Module, prefix: string) => {
    for (const [name, child] of parent.namedChildren()) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (child instanceof EfficientBlockBase) continue;
      let block: EfficientBlockBase | null = null;
      for (const rule of rules) if ((block = rule(child))) break;
      if (block) {
        block.train(child.training);
        replaceChild(parent, name, block);
        report.replaced.push({ name: path, from: child.typeName, to: block.typeName });
      } else {
        walk(child, path);
      }
    }
  };
  walk(model, '');
  return report;
}
