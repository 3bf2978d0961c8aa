// Browser host: fetches and compiles the .wasm files asynchronously, when the page calls init()
// (never at import: a page decides where the files are, and a missing file must be an error it
// can catch, not a dead module graph). By default the files are next to the bundle, written as
// `new URL('./file.wasm', import.meta.url)`: the form Vite, webpack and Parcel recognise, so they
// copy the file into the build.
import { VidwasmError } from '../errors.js';
import { MAX_MEMORY_BYTES, initFromModuleAsync, isReady, setMemoryLimit } from '../wasm.js';

/** The .wasm files the browser entry may fetch. */
export type WasmFile = 'vidwasm.wasm' | 'vidwasm-mt.wasm' | 'pixels.wasm' | 'pixels-mt.wasm';

/**
 * Where the .wasm files are (as onnxruntime-web's env.wasm.wasmPaths): a folder URL holding
 * them all (relative URLs are resolved against the page), or a URL per file (files left out stay
 * next to the bundle).
 */
export type WasmPaths = string | URL | Partial<Record<WasmFile, string | URL>>;

export interface InitOptions {
  /** Where the .wasm files are. Default: env.wasmPaths, else next to the bundle. */
  wasmPaths?: WasmPaths;
  /**
   * Most memory the runtime may use, in bytes (default: env.maxMemoryBytes, else wasm32's 4 GiB).
   * iOS kills a page whose wasm memory passes about 1 GiB: with a cap, an oversized model or
   * input fails with an OutOfMemoryError instead.
   */
  maxMemoryBytes?: number;
}

/** Settings init() uses for what its options leave out (as onnxruntime-web's `env.wasm`). */
export const env: InitOptions = {};

const NEXT_TO_BUNDLE: Record<WasmFile, () => URL> = {
  'vidwasm.wasm': () => new URL('./vidwasm.wasm', import.meta.url),
  'vidwasm-mt.wasm': () => new URL('./vidwasm-mt.wasm', import.meta.url),
  'pixels.wasm': () => new URL('./pixels.wasm', import.meta.url),
  'pixels-mt.wasm': () => new URL('./pixels-mt.wasm', import.meta.url),
};

const pageUrl = (): string => (globalThis as { location?: { href: string } }).location?.href ?? import.meta.url;

/** The wasmPaths of the last init() call; undefined: env.wasmPaths. Later fetches (threads, pixels) use it too. */
let chosen: WasmPaths | undefined;

/** The URL a .wasm file is fetched from under the given (default: init's, else env's) wasmPaths. */
export function wasmUrl(file: WasmFile, paths: WasmPaths | undefined = chosen ?? env.wasmPaths): URL {
  if (paths === undefined) return NEXT_TO_BUNDLE[file]();
  if (typeof paths === 'string' || paths instanceof URL) {
    const folder = String(paths);
    return new URL(file, new URL(folder.endsWith('/') ? folder : `${folder}/`, pageUrl()));
  }
  const own = paths[file];
  return own === undefined ? NEXT_TO_BUNDLE[file]() : new URL(String(own), pageUrl());
}

/** The error for a .wasm file the page cannot get: which file, where it looked, what to do. */
function missing(file: WasmFile, url: URL, why: string): VidwasmError {
  return new VidwasmError('E_LOAD', `vidwasm could not load ${file} from ${url.href} (${why}). Copy ` +
    `node_modules/vidwasm/dist/${file} (with the other dist/*.wasm files) to the folder your page serves, and point ` +
    'init({ wasmPaths }) or env.wasmPaths at that folder (Vite and webpack copy them next to the bundle themselves, ' +
    'from the `new URL(…, import.meta.url)` references in vidwasm\'s browser entry)');
}

/** Fetches one .wasm file, checking that what came back is WebAssembly (not a 404 or an HTML page). */
export async function fetchWasm(file: WasmFile, paths?: WasmPaths): Promise<ArrayBuffer> {
  const url = wasmUrl(file, paths ?? chosen ?? env.wasmPaths);
  let res: Response;
  try { res = await fetch(url); } catch (e) { throw missing(file, url, `network error: ${(e as Error).message}`); }
  if (!res.ok) throw missing(file, url, `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  const bytes = await res.arrayBuffer();
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0x61 || head[2] !== 0x73 || head[3] !== 0x6d) {
    throw missing(file, url, `the server answered ${res.headers.get('content-type') ?? 'a file'} that is not WebAssembly`);
  }
  return bytes;
}

let loading: Promise<void> | null = null;

/**
 * Loads the kernel module (once; later calls wait for the same load). Ops called before it
 * resolves throw a NotInitializedError. A failed load can be retried with other options.
 */
export function initBrowser(opts: InitOptions = {}): Promise<void> {
  setMemoryLimit(opts.maxMemoryBytes ?? env.maxMemoryBytes ?? MAX_MEMORY_BYTES);
  if (isReady()) return Promise.resolve();
  chosen = opts.wasmPaths;
  loading ??= fetchWasm('vidwasm.wasm').then((bytes) => initFromModuleAsync(bytes)).catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}
