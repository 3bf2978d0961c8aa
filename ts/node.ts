// Node entry: loads the kernel module synchronously, then exports the API.
import { initNode } from './runtime/hosts/node.js';
initNode();
export * from './index.js';
export { initNode as init };
