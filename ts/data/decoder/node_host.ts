// Node built-ins for the Node decoder. ts/data is part of every bundle (the browser one too),
// so nothing here may import 'node:*': hosts/node_builtins hands them over at run time.
import { UnsupportedError } from '../../runtime/errors.js';
import { isNode, nodeBuiltin } from '../../runtime/hosts/node_builtins.js';

export { isNode };
export interface NodeHost {
  fs: ReturnType<typeof nodeBuiltin<'node:fs'>>;
  module: ReturnType<typeof nodeBuiltin<'node:module'>>;
  url: ReturnType<typeof nodeBuiltin<'node:url'>>;
}

/** fs, module and url from Node; UnsupportedError elsewhere. */
export async function nodeHost(what: string): Promise<NodeHost> {
  if (!isNode()) {
    throw new UnsupportedError(`${what} needs Node (ffmpeg.wasm driven through @ffmpeg/core); in a browser use EncodedVideo.fromFile(blob) or fromPath(url), which decode with @ffmpeg/ffmpeg`);
  }
  return { fs: nodeBuiltin('node:fs', what), module: nodeBuiltin('node:module', what), url: nodeBuiltin('node:url', what) };
}

/** The file name without directory and last extension (PyTorchVideo's video name). */
export function fileStem(path: string): string {
  const base = path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
