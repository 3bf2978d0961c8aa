// Node's built-in modules for code that every entry shares. The browser bundle holds that code
// too, and bundlers for the browser refuse any `import('node:…')` they see (esbuild, Vite,
// webpack), so only Node-only files (the Node entry and host, the CLI) import node: modules by
// name; shared code asks here, at run time, on its Node-only paths. process.getBuiltinModule is
// Node >= 20.16.
import { UnsupportedError } from '../errors.js';

interface Builtins {
  'node:fs': typeof import('node:fs');
  'node:fs/promises': typeof import('node:fs/promises');
  'node:path': typeof import('node:path');
  'node:url': typeof import('node:url');
  'node:os': typeof import('node:os');
  'node:crypto': typeof import('node:crypto');
  'node:module': typeof import('node:module');
  'node:worker_threads': typeof import('node:worker_threads');
}

type Proc = { versions?: { node?: string }; getBuiltinModule?: (name: string) => unknown };
const proc = (): Proc | undefined => (globalThis as { process?: Proc }).process;

/** Whether this is Node (or a Node-compatible runtime). */
export function isNode(): boolean {
  return typeof proc()?.versions?.node === 'string';
}

/** A Node built-in module; UnsupportedError naming `what` (the feature that needs it) elsewhere. */
export function nodeBuiltin<K extends keyof Builtins>(name: K, what = `this operation (${name})`): Builtins[K] {
  const get = proc()?.getBuiltinModule;
  if (!get) {
    throw new UnsupportedError(isNode()
      ? `${what} needs Node >= 20.16 (process.getBuiltinModule); this is Node ${proc()!.versions!.node}`
      : `${what} needs Node's ${name}, which this host does not have`);
  }
  return get(name) as Builtins[K];
}
