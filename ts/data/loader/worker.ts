// Loader worker entry: rebuilds the dataset from its spec, then decodes the units it is sent and
// posts back clip dicts whose tensor bytes are transferred (not copied). Runs as a Node
// worker_thread or as a module Web Worker (self.onmessage/postMessage): there it fetches
// vidwasm.wasm and pixels.wasm from the page's asset folder (init.assets) and decodes with the
// page's @ffmpeg/ffmpeg configuration (init.decoder, URLs made absolute by the page).
import { initFromModule, initFromModuleAsync, isReady } from '../../runtime/wasm.js';
import { initPixelsAsync, pixelsReady } from '../pixels.js';
import { configureBrowserDecoder, type BrowserDecoderConfig } from '../decoder/ffmpeg_browser.js';
import { VideoDecodeError } from '../errors.js';
import { LabeledVideoDataset, type DatasetSpec } from '../datasets/labeled_video_dataset.js';
import { mapDatasetFromSpec } from '../datasets/manifest.js';
import '../datasets/epic_kitchen.js';
import '../datasets/domsev.js';
import '../datasets/kinetics.js';
import '../datasets/frame_lists.js';
import { memoryStats } from '../../runtime/memory.js';
import '../../runtime/ops/index.js'; // the ops, and with them Tensor's method forms (x.clone(), ...)
import type { ClipTransform } from '../datasets/labeled_video_dataset.js';
import { loadTransformModule, produceUnit, transformUnit } from './produce.js';
import type { LoaderDataset } from '../datasets/contracts.js';
import { toWire } from './transfer.js';

export type ToWorker =
  | { type: 'init'; spec: DatasetSpec | { kind: string }; wasm?: WebAssembly.Module; transformModule?: string; transformExport?: string;
      /** Browser: the folder (absolute URL) holding vidwasm.wasm and pixels.wasm. */
      assets?: string;
      /** Browser: the page's @ffmpeg/ffmpeg configuration, URLs absolute. */
      decoder?: BrowserDecoderConfig }
  | { type: 'work'; seq: number; unit: number; seed: number };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; seq: number; items: unknown[]; skipped: Array<{ path: string; reason: string; message: string }>; liveTensors: number; liveBytes: number }
  | { type: 'error'; seq: number; error: { name: string; message: string; path?: string; reason?: string; code?: string } };

interface Port { postMessage(m: unknown, transfer?: ArrayBuffer[]): void }

/**
 * Node: the kernel module's bytes, found like the Node host finds them ($VIDWASM_WASM, else
 * vidwasm.wasm or wasm/vidwasm.wasm next to this file or up to five folders above), without a
 * static node: import (this file is also a Web Worker entry).
 */
function nodeWasmBytes(): Uint8Array {
  const proc = (globalThis as unknown as { process: { env: Record<string, string | undefined>; getBuiltinModule(m: string): unknown } }).process;
  const fs = proc.getBuiltinModule('node:fs') as typeof import('node:fs');
  const path = proc.getBuiltinModule('node:path') as typeof import('node:path');
  const url = proc.getBuiltinModule('node:url') as typeof import('node:url');
  if (proc.env.VIDWASM_WASM) return fs.readFileSync(proc.env.VIDWASM_WASM);
  let dir = path.dirname(url.fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const c of [path.join(dir, 'vidwasm.wasm'), path.join(dir, 'wasm', 'vidwasm.wasm')]) if (fs.existsSync(c)) return fs.readFileSync(c);
    dir = path.dirname(dir);
  }
  throw new Error('loader worker: vidwasm.wasm not found (set VIDWASM_WASM)');
}

async function start(): Promise<void> {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (m: string) => unknown } }).process;
  let port: Port;
  let listen: (fn: (m: ToWorker) => void) => void;
  if (proc?.versions?.node) {
    const wt = proc.getBuiltinModule!('node:worker_threads') as typeof import('node:worker_threads');
    const pp = wt.parentPort!;
    port = pp as unknown as Port;
    listen = (fn) => pp.on('message', fn);
  } else {
    const self_ = globalThis as unknown as Port & { onmessage: ((e: { data: ToWorker }) => void) | null };
    port = self_;
    listen = (fn) => { self_.onmessage = (e) => fn(e.data); };
  }
  let ds: LoaderDataset | null = null;
  let transform: ClipTransform | null = null;
  let seenSkipped = 0;
  // Units are handled one at a time, in arrival order (decoding is synchronous anyway).
  let chain: Promise<void> = Promise.resolve();
  listen((msg) => {
    chain = chain.then(async () => {
      if (msg.type === 'init') {
        try {
          const node = !!proc?.versions?.node;
          if (!isReady()) {
            if (msg.wasm || node) initFromModule(msg.wasm ?? nodeWasmBytes());
            else await initFromModuleAsync(fetch(new URL('vidwasm.wasm', msg.assets ?? import.meta.url)));
          }
          if (!node) {
            // Node loads pixels.wasm on first use; a browser worker fetches it (transforms only).
            if (!pixelsReady()) {
              await initPixelsAsync(new URL('pixels.wasm', msg.assets ?? import.meta.url))
                .catch((e) => { if (msg.transformModule) throw e; });
            }
            if (msg.decoder) configureBrowserDecoder(msg.decoder);
          }
          ds = 'videos' in msg.spec && 'clipSampler' in msg.spec ? LabeledVideoDataset.fromSpec(msg.spec as DatasetSpec) : mapDatasetFromSpec(msg.spec);
          // A transform module makes the worker transform its clips too (in parallel).
          if (msg.transformModule) transform = await loadTransformModule(msg.transformModule, msg.transformExport);
          port.postMessage({ type: 'ready' } satisfies FromWorker);
        } catch (e) {
          // seq -1: the pool's start fails with this instead of waiting for 'ready' forever
          port.postMessage({ type: 'error', seq: -1, error: { name: (e as Error)?.name ?? 'Error', message: `loader worker init: ${(e as Error)?.message ?? String(e)}`, code: (e as { code?: string })?.code } } satisfies FromWorker);
        }
        return;
      }
      try {
        const raw = await produceUnit(ds!, msg.unit, msg.seed);
        const items = transform ? transformUnit(transform, raw, msg.unit, msg.seed) : raw;
        const transfer: ArrayBuffer[] = [];
        const wire = items.map((c) => toWire(c, transfer));
        const sv = (ds as { skippedVideos?: Array<{ path: string; reason: string; message: string }> }).skippedVideos ?? [];
        const skipped = sv.slice(seenSkipped);
        seenSkipped = sv.length;
        // toWire disposed the tensors: what is left alive here is a leak (the loader test checks 0).
        const mem = memoryStats();
        port.postMessage({ type: 'done', seq: msg.seq, items: wire, skipped, liveTensors: mem.liveTensors, liveBytes: mem.liveBytes } satisfies FromWorker, transfer);
      } catch (e) {
        const err = e as VideoDecodeError & { code?: string };
        port.postMessage({ type: 'error', seq: msg.seq, error: {
          name: err?.name ?? 'Error', message: err?.message ?? String(e), path: err instanceof VideoDecodeError ? err.path : undefined,
          reason: err instanceof VideoDecodeError ? err.reason : undefined, code: err?.code,
        } } satisfies FromWorker);
      }
    });
  });
}

void start();
