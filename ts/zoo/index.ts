// The model zoo: checkpoint IO now; the registry of PyTorchVideo models comes with the model family.
export * from './checkpoint/index.js';
export { CheckpointError } from './errors.js';
