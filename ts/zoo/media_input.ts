// The pipelines' media inputs: a path or URL, a File/Blob, or the file's bytes, in Node and in
// browsers. Node decodes local paths in place and writes in-memory files to a temporary file
// (the Node decoder mounts host files); browsers hand a File to the ffmpeg.wasm worker.
import { ArgumentError } from '../runtime/errors.js';
import { EncodedVideo, type EncodedVideoOptions } from '../data/encoded_video.js';
import { isNode as onNode, nodeBuiltin } from '../runtime/hosts/node_builtins.js';

export type MediaInput = string | URL | Blob | Uint8Array | ArrayBuffer;

/** A local file (Node) or the input's bytes (fetched, read from a Blob, or given), with a file name. */
export type Media = { path: string; bytes?: undefined; name: string } | { path?: undefined; bytes: Uint8Array; name: string };

const isNode = onNode();

export async function resolveMedia(input: MediaInput): Promise<Media> {
  const s = typeof input === 'string' || input instanceof URL ? String(input) : null;
  if (s !== null && isNode && !/^(https?|blob|data):/.test(s)) {
    const path = s.startsWith('file:') ? nodeBuiltin('node:url').fileURLToPath(s) : s;
    return { path, name: path };
  }
  if (s !== null) {
    const url = typeof location === 'undefined' ? s : new URL(s, location.href).href;
    const res = await fetch(url).catch((e: Error) => { throw new ArgumentError(`pipeline: cannot fetch ${url} (${e.message})`); });
    if (!res.ok) throw new ArgumentError(`pipeline: cannot fetch ${url}: HTTP ${res.status}`);
    return { bytes: new Uint8Array(await res.arrayBuffer()), name: new URL(url).pathname.split('/').pop() || 'media' };
  }
  if (input instanceof Blob) return { bytes: new Uint8Array(await input.arrayBuffer()), name: 'name' in input ? String((input as File).name) : 'media' };
  if (input instanceof ArrayBuffer) return { bytes: new Uint8Array(input), name: 'media' };
  if (input instanceof Uint8Array) return { bytes: input, name: 'media' };
  throw new ArgumentError(`pipeline: unsupported input ${Object.prototype.toString.call(input)} (a path, URL, File/Blob, bytes or Tensor)`);
}

/** The first bytes of a media input (to tell its format by content). */
export async function mediaHead(m: Media, n = 16): Promise<Uint8Array> {
  if (m.bytes) return m.bytes.subarray(0, n);
  const fd = await nodeBuiltin('node:fs').promises.open(m.path, 'r').catch(() => null);
  if (!fd) return new Uint8Array(0); // the decoder names the missing file
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fd.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally { await fd.close(); }
}

/** The whole file (Node path) or the bytes. */
export async function mediaBytes(m: Media): Promise<Uint8Array> {
  return m.bytes ?? new Uint8Array(await nodeBuiltin('node:fs').promises.readFile(m.path));
}

/** EncodedVideo over any input; `cleanup` removes a temporary file when one was needed. */
export async function openVideo(m: Media, opts: EncodedVideoOptions): Promise<{ video: EncodedVideo; cleanup: () => Promise<void> }> {
  const none = async () => {};
  if (m.path !== undefined) return { video: await EncodedVideo.fromPath(m.path, opts), cleanup: none };
  if (!isNode) return { video: await EncodedVideo.fromFile(new File([m.bytes as BlobPart], m.name), opts), cleanup: none };
  const { mkdtempSync, writeFileSync, rmSync } = nodeBuiltin('node:fs');
  const { join } = nodeBuiltin('node:path');
  const { tmpdir } = nodeBuiltin('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'vidwasm-pipeline-'));
  const path = join(dir, m.name.replace(/[^\w.-]/g, '_'));
  writeFileSync(path, m.bytes);
  const cleanup = async () => rmSync(dir, { recursive: true, force: true });
  try {
    return { video: await EncodedVideo.fromPath(path, opts), cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
