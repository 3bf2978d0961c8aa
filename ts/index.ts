// Everything vidwasm exports, for every host. Host entries (node.ts, browser.ts) load the
// kernel module first, then re-export this.
export * from './runtime/index.js';
export * as zoo from './zoo/index.js';
export { pipeline } from './zoo/pipeline.js';
export * as models from './models/index.js';
export * as data from './data/index.js';
export * as transforms from './data/transforms/index.js';
export * as train from './train/index.js';
export * as accelerator from './accelerator/index.js';
