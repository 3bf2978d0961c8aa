// Node entry: loads the kernel module synchronously at import (so `import 'vidwasm'` is enough),
// then exports the API. init() stays for code shared with the browser entry.
import { initNode } from './runtime/hosts/node.js';
initNode();
export * from './index.js';
export { initNode as init };
export type { NodeInitOptions as InitOptions } from './runtime/hosts/node.js';
