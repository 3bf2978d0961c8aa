// Node built-ins for the Node decoder, loaded at run time. ts/data is part of every bundle
// (the browser one too), so nothing here may import 'node:*' statically: bundlers for the
// browser refuse it. A dynamic import with a computed specifier is left alone by esbuild and
// resolved by Node when the decoder is first used.
import { UnsupportedError } from '../../runtime/errors.js';

type Fs = typeof import('node:fs');
type ModuleNs = typeof import('node:module');
type UrlNs = typeof import('node:url');
export interface NodeHost { fs: Fs; module: ModuleNs; url: UrlNs }

const hostImport = (specifier: string): Promise<unknown> => import(specifier);
let host: Promise<NodeHost> | null = null;

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** fs, module and url from Node; UnsupportedError elsewhere. */
export function nodeHost(what: string): Promise<NodeHost> {
  if (!isNode()) {
    return Promise.reject(new UnsupportedError(`${what} needs Node (ffmpeg.wasm driven through @ffmpeg/core); in a browser use EncodedVideo.fromFile(blob) or fromPath(url), which decode with @ffmpeg/ffmpeg`));
  }
  host ??= Promise.all([hostImport('node:fs'), hostImport('node:module'), hostImport('node:url')])
    .then(([fs, module, url]) => ({ fs: fs as Fs, module: module as ModuleNs, url: url as UrlNs }));
  return host;
}

/** The file name without directory and last extension (PyTorchVideo's video name). */
export function fileStem(path: string): string {
  const base = path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
