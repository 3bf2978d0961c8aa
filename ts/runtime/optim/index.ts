// vidwasm.optim: torch.optim's SGD and AdamW with parameter groups and PyTorch-layout state dicts.
export { Optimizer, type ParamGroup, type ParamsInput, type OptimizerStateDict, type OptimState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { AdamW, type AdamWOptions } from './adamw.js';
