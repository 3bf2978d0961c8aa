// Pretrained weights by name: the zoo entry's official checkpoint, downloaded on request with
// progress, verified, cached, and reused offline. Node caches files under
// $VIDWASM_CACHE_DIR or $XDG_CACHE_HOME/vidwasm (default ~/.cache/vidwasm), and reuses a file
// already in torch hub's cache ($TORCH_HOME/hub/checkpoints); browsers use the Cache API.
//
// Integrity: the registry records where a checkpoint lives, not its hash, so the first download
// records its size and SHA-256 in the cache's manifest.json (trust on first use) and every later
// use or re-download must match it; a hash the caller passes always wins. A download goes to a
// temporary name and is renamed into place only once complete and verified, so an interrupted
// or corrupt transfer never lands in the cache; a connection cut mid-way resumes with an HTTP
// Range request (or restarts when the server ignores it).
import { VidwasmError } from '../runtime/errors.js';
import { modelInfo, ZOO_BASE_URL, type ModelInfo } from './registry.js';
import { nodeBuiltin } from '../runtime/hosts/node_builtins.js';

export class DownloadError extends VidwasmError {
  constructor(message: string) { super('E_DOWNLOAD', message); }
}

export interface DownloadProgress {
  /** The checkpoint's file name. */
  file: string;
  loaded: number;
  /** Bytes expected (Content-Length), or null when the server does not say. */
  total: number | null;
  bytesPerSec: number;
  /** Seconds left at the current rate, or null when the total is unknown. */
  etaSec: number | null;
}

export interface DownloadOptions {
  /** Cache folder (Node). Default: $VIDWASM_CACHE_DIR, else $XDG_CACHE_HOME/vidwasm, else ~/.cache/vidwasm. */
  cacheDir?: string;
  /** Replaces the zoo's download root (mirrors, tests). Default: $VIDWASM_ZOO_BASE_URL, else the official one. */
  baseUrl?: string;
  /** Expected SHA-256 (hex) of the checkpoint: a file that differs is refused. */
  sha256?: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Never use the network: only the cache (and torch hub's). */
  offline?: boolean;
  /** Resume attempts after a connection is cut mid-way (default 3). */
  retries?: number;
}

const env = (k: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[k] || undefined;
const isNode = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/** The checkpoint's path below the zoo root (e.g. kinetics/X3D_XS.pyth) and its download URL. */
export function weightsLocation(info: ModelInfo, baseUrl?: string): { rel: string; url: string } {
  const { url } = info.checkpoint;
  const rel = url.startsWith(`${ZOO_BASE_URL}/`) ? url.slice(ZOO_BASE_URL.length + 1) : info.checkpoint.file;
  const base = (baseUrl ?? env('VIDWASM_ZOO_BASE_URL'))?.replace(/\/+$/, '');
  return { rel, url: base ? `${base}/${rel}` : url };
}

/**
 * The pretrained checkpoint of zoo model `name`: a local file path in Node, the bytes in a
 * browser. Downloads it when it is not cached yet.
 */
export async function pretrainedWeights(name: string, opts: DownloadOptions = {}): Promise<string | Uint8Array> {
  const info = modelInfo(name);
  if (info.checkpoint.format !== 'pyth') {
    throw new DownloadError(`zoo: '${name}' is published only as a ${info.checkpoint.format} file (${info.checkpoint.url}), which vidwasm cannot load`);
  }
  const where = weightsLocation(info, opts.baseUrl);
  return isNode ? nodeWeights(name, where, opts) : browserWeights(where, opts);
}

// ---------------------------------------------------------------------------------------------
// The transfer itself, shared by both hosts: streams the body, reports progress, resumes.

interface Sink { append(chunk: Uint8Array): Promise<void>; reset(): Promise<void> }

async function transfer(url: string, file: string, sink: Sink, opts: DownloadOptions): Promise<number> {
  if (opts.offline) throw new DownloadError(`${file} is not in the cache and offline mode is on (${url})`);
  const t0 = Date.now();
  let loaded = 0;
  let total: number | null = null;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { signal: opts.signal, headers: loaded > 0 ? { Range: `bytes=${loaded}-` } : {} });
    } catch (e) {
      if (opts.signal?.aborted) throw new DownloadError(`download of ${file} aborted`);
      if (attempt < (opts.retries ?? 3)) continue;
      throw new DownloadError(`cannot download ${url}: ${(e as Error).message}`);
    }
    if (res.status === 404) throw new DownloadError(`${url}: not found (HTTP 404); check the model name or the base URL`);
    if (!res.ok) throw new DownloadError(`${url}: HTTP ${res.status} ${res.statusText}`);
    if (loaded > 0 && res.status !== 206) { loaded = 0; await sink.reset(); }
    const length = Number(res.headers.get('content-length'));
    if (Number.isFinite(length) && length > 0) total = loaded + length;
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await sink.append(value);
        loaded += value.length;
        const secs = Math.max((Date.now() - t0) / 1000, 1e-3);
        const rate = loaded / secs;
        opts.onProgress?.({ file, loaded, total, bytesPerSec: rate, etaSec: total === null ? null : (total - loaded) / rate });
      }
    } catch (e) {
      if (opts.signal?.aborted) throw new DownloadError(`download of ${file} aborted`);
      if (attempt < (opts.retries ?? 3)) continue;
      throw new DownloadError(`download of ${url} interrupted after ${loaded} bytes: ${(e as Error).message}`);
    }
    if (total !== null && loaded !== total) {
      if (attempt < (opts.retries ?? 3)) continue;
      throw new DownloadError(`download of ${url} ended after ${loaded} of ${total} bytes`);
    }
    return loaded;
  }
}

/** A response body that is not a checkpoint (an HTML error page with status 200, say). */
function looksLikeCheckpoint(head: Uint8Array): boolean {
  const zip = head[0] === 0x50 && head[1] === 0x4b;
  const legacyPickle = head[0] === 0x80;
  const safetensors = head.length > 8 && head[8] === 0x7b; // u64 header length, then '{'
  return zip || legacyPickle || safetensors;
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function checkHash(file: string, got: string, want: string | undefined, what: string): void {
  if (want && got !== want.toLowerCase()) {
    throw new DownloadError(`${file}: SHA-256 ${got} does not match ${what} ${want.toLowerCase()}; the file is corrupt or has changed, refused`);
  }
}

// ---------------------------------------------------------------------------------------------
// Node: files in a cache folder, a manifest of sizes and hashes, torch hub's cache reused.

interface Recorded { sha256: string; size: number; url: string }

async function nodeWeights(name: string, where: { rel: string; url: string }, opts: DownloadOptions): Promise<string> {
  const fs = nodeBuiltin('node:fs');
  const { join, dirname } = nodeBuiltin('node:path');
  const { homedir } = nodeBuiltin('node:os');
  const { createHash } = nodeBuiltin('node:crypto');
  const home = homedir();
  const cacheDir = opts.cacheDir ?? env('VIDWASM_CACHE_DIR') ?? join(env('XDG_CACHE_HOME') ?? join(home, '.cache'), 'vidwasm');
  const manifestPath = join(cacheDir, 'manifest.json');
  const file = where.rel.slice(where.rel.lastIndexOf('/') + 1);
  const dest = join(cacheDir, where.rel);

  const manifest: Record<string, Recorded> = (() => {
    try { return JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, Recorded>; } catch { return {}; }
  })();
  const recorded = manifest[where.rel];
  const sha256Of = async (path: string): Promise<string> => {
    const h = createHash('sha256');
    for await (const chunk of fs.createReadStream(path)) h.update(chunk as Buffer);
    return h.digest('hex');
  };
  const record = (sha256: string, size: number): void => {
    manifest[where.rel] = { sha256, size, url: where.url };
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${manifestPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(manifest, null, 1));
    fs.renameSync(tmp, manifestPath);
  };
  const want = opts.sha256 ?? recorded?.sha256;

  // 1. Our cache: trusted when it matches what was recorded (size, then hash).
  if (fs.existsSync(dest)) {
    const size = fs.statSync(dest).size;
    const sha = await sha256Of(dest);
    if ((!recorded || recorded.size === size) && (!want || sha === want.toLowerCase())) {
      if (!recorded) record(sha, size);
      return dest;
    }
    fs.rmSync(dest, { force: true }); // corrupt or changed on disk: fetch it again
  }
  // 2. torch hub's cache (same file name), verified against the recorded or given hash.
  const torchHome = env('TORCH_HOME') ?? join(env('XDG_CACHE_HOME') ?? join(home, '.cache'), 'torch');
  const hubFile = join(torchHome, 'hub', 'checkpoints', file);
  if (fs.existsSync(hubFile)) {
    const sha = await sha256Of(hubFile);
    if (!want || sha === want.toLowerCase()) {
      if (!recorded) record(sha, fs.statSync(hubFile).size);
      return hubFile;
    }
  }
  // 3. Download to a temporary name, verify, rename into place.
  fs.mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.${Date.now()}.part`;
  let hash = createHash('sha256');
  let fd = fs.openSync(tmp, 'w');
  let head = new Uint8Array(0);
  try {
    const size = await transfer(where.url, file, {
      append: async (chunk) => {
        if (head.length < 16) head = Uint8Array.from([...head, ...chunk.subarray(0, 16 - head.length)]);
        fs.writeSync(fd, chunk);
        hash.update(chunk);
      },
      reset: async () => { fs.ftruncateSync(fd, 0); fs.closeSync(fd); fd = fs.openSync(tmp, 'w'); hash = createHash('sha256'); head = new Uint8Array(0); },
    }, opts);
    fs.closeSync(fd);
    fd = -1;
    if (!looksLikeCheckpoint(head)) throw new DownloadError(`${where.url}: the server sent something that is not a checkpoint (${size} bytes)`);
    const sha = hash.digest('hex');
    checkHash(file, sha, opts.sha256, 'the expected');
    checkHash(file, sha, recorded?.sha256, 'the one recorded when it was first downloaded');
    fs.renameSync(tmp, dest);
    record(sha, size);
    return dest;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Browser: the Cache API, the hash kept in a header of the cached response.

async function browserWeights(where: { rel: string; url: string }, opts: DownloadOptions): Promise<Uint8Array> {
  const file = where.rel.slice(where.rel.lastIndexOf('/') + 1);
  const cache = typeof caches === 'undefined' ? null : await caches.open('vidwasm-weights');
  const digest = async (b: Uint8Array<ArrayBuffer>): Promise<string> => hex(await crypto.subtle.digest('SHA-256', b));
  const hit = await cache?.match(where.url);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer()) as Uint8Array<ArrayBuffer>;
    const sha = await digest(bytes);
    if (sha === hit.headers.get('x-vidwasm-sha256') && (!opts.sha256 || sha === opts.sha256.toLowerCase())) return bytes;
    await cache!.delete(where.url);
  }
  let parts: Uint8Array[] = [];
  const size = await transfer(where.url, file, {
    append: async (chunk) => { parts.push(chunk); },
    reset: async () => { parts = []; },
  }, opts);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  if (!looksLikeCheckpoint(bytes)) throw new DownloadError(`${where.url}: the server sent something that is not a checkpoint (${size} bytes)`);
  const sha = await digest(bytes);
  checkHash(file, sha, opts.sha256, 'the expected');
  await cache?.put(where.url, new Response(bytes, { headers: { 'x-vidwasm-sha256': sha, 'content-length': String(size) } }));
  return bytes;
}
