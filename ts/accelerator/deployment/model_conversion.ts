// pytorchvideo.accelerator.deployment.mobile_cpu.utils.model_conversion: a deploy-form copy of a
// model, every efficient block converted for the sizes an example input gives it.
import { nn, noGrad, tidy, Tensor, ArgumentError } from '../../runtime/index.js';
import { EfficientBlockBase } from '../efficient_blocks.js';
import { ConversionError } from '../errors.js';
import { cloneModule } from './clone_module.js';

/**
 * Runs `exampleInput` through the model (eval mode, no grad) recording the input size of every
 * efficient block, then returns a copy of the model in eval mode whose efficient blocks (the
 * outermost ones: a block converts its own children) are in deploy form. Other modules are copied
 * unchanged, and the original model is untouched (its train/eval modes are restored). As in
 * PyTorchVideo, the copy expects inputs of the example's size: shape-dependent deploy forms (the
 * global average pool as a fixed-kernel AvgPool3d, the squeeze-excitation reshapes) are built for it.
 */
export function convertToDeployableForm<M extends nn.Module>(model: M, exampleInput: Tensor): M {
  if (!(model instanceof nn.Module)) throw new ArgumentError('convertToDeployableForm: model must be an nn.Module');
  if (!(exampleInput instanceof Tensor)) throw new ArgumentError('convertToDeployableForm: exampleInput must be a Tensor');
  const sizes = recordInputSizes(model, exampleInput);
  const deploy = cloneModule(model).eval();
  const convert = (m: nn.Module, path: string) => {
    if (m instanceof EfficientBlockBase) {
      const size = sizes.get(path);
      if (!size) throw new ConversionError(`convertToDeployableForm: ${path || 'the model'} (${m.typeName}) did not run on the example input, so its input size is unknown`);
      m.convert(size);
      return;
    }
    for (const [name, child] of m.namedChildren()) convert(child, path ? `${path}.${name}` : name);
  };
  try {
    convert(deploy, '');
  } catch (e) {
    deploy.dispose();
    throw e;
  }
  return deploy.eval();
}

/** Input shape of every efficient block for one eval-mode forward of `input` (path -> shape). */
function recordInputSizes(model: nn.Module, input: Tensor): Map<string, number[]> {
  const sizes = new Map<string, number[]>();
  const modes = model.modules().map((m) => [m, m.training] as const);
  const blocks = model.namedModules().filter(([, m]) => m instanceof EfficientBlockBase);
  // Each block's forward is wrapped by an own property for the run, then put back as it was.
  const saved = blocks.map(([path, m]) => {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const forward = m.forward;
    Object.defineProperty(m, 'forward', {
      configurable: true,
      value: (...args: unknown[]) => {
        if (args[0] instanceof Tensor) sizes.set(path, [...args[0].shape]);
        return forward.apply(m, args);
      },
    });
    return [m, own] as const;
  });
  try {
    model.eval();
    noGrad(() => tidy(() => { model.forward(input); }));
  } finally {
    for (const [m, own] of saved) {
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as { forward?: unknown }).forward;
    }
    for (const [m, training] of modes) m.training = training;
  }
  return sizes;
}
