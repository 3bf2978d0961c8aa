// DataLoader: batches of clip dicts from a video dataset, with seeded order, dropLast, and
// parallel decoding in worker threads.
//
// Work is split by unit (one video of an iterable dataset, one item of a map-style one). A unit's
// clips are decoded without the transform (in a worker when numWorkers > 0), then the main
// thread transforms them with vidwasm's generator reseeded per clip from (seed, epoch, unit,
// clip), and batches them in unit order. So numWorkers 0 and N give the same batches for the
// same seed. Workers receive the dataset as data (toSpec) and send tensors back as transferred
// ArrayBuffers; the main thread owns every tensor it yields. A dataset's transform is a closure
// and cannot cross to a worker, so it runs here; give `transformModule` (a module exporting the
// transform) and the workers import it and transform in parallel, with the same seeds.
// Workers persist across epochs until close(); idle ones do not keep the process alive.
//
// In a browser the workers are module Web Workers (workerUrl, default browser-worker.js next to
// the bundle: dist/browser-worker.js). Each fetches vidwasm.wasm and pixels.wasm from `assetsUrl`
// (default: next to the bundle) and decodes with the page's configureBrowserDecoder settings.
// A transform module imported by a worker must share the worker's copy of vidwasm, so bundle
// one file that imports vidwasm's worker entry (ts/data/loader/worker.ts) and exports the
// transform, and give its URL as both workerUrl and transformModule (a module imported by its
// own URL is the same instance).
import { ArgumentError, UnsupportedError, VidwasmError } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';
import { VideoDecodeError, type VideoDecodeReason } from '../errors.js';
import { mixSeed, type ClipDict, type ClipTransform } from '../datasets/labeled_video_dataset.js';
import { makeGenerator, randperm } from '../datasets/samplers.js';
import { defaultCollate, disposeTensors, type Batch, type Collate } from './collate.js';
import { loadTransformModule, produceUnit, transformUnit } from './produce.js';
import { isIterableDataset, isMapDataset, type LoaderDataset } from '../datasets/contracts.js';
import { fromWire } from './transfer.js';
import { browserDecoderConfig } from '../decoder/ffmpeg_browser.js';
import type { FromWorker, ToWorker } from './worker.js';

export interface DataLoaderOptions {
  /** Clips per batch. Default 1. */
  batchSize?: number;
  /**
   * Shuffle the units each epoch (seed, epoch). Default false. Iterable datasets keep their video
   * sampler's choice of videos (a distributed shard stays the shard) and only permute it.
   */
  shuffle?: boolean;
  /**
   * Seed of the order and of per-clip randomness. Default: drawn from vidwasm's generator. The
   * loader reseeds vidwasm's global generator (manualSeed) before each video's clip sampling and
   * each clip's transform, from (seed, epoch, unit, clip): that is what makes batches
   * independent of numWorkers, and it moves the global generator.
   */
  seed?: number;
  /** Drop the last, incomplete batch. Default false. */
  dropLast?: boolean;
  /** Decoding threads (worker_threads; Web Workers in a browser). 0 decodes in the main thread. Default 0. */
  numWorkers?: number;
  /** Units in flight per worker. Default 2. */
  prefetch?: number;
  /** Turns a list of clip dicts into a batch (and owns them). Default defaultCollate. */
  collate?: Collate;
  /**
   * Worker script URL (default: ./worker.ts|js next to this file; in a browser
   * ./browser-worker.js next to the bundle). A browser starts it as a module worker.
   */
  workerUrl?: URL | string;
  /** Browser workers: the folder holding vidwasm.wasm and pixels.wasm (default: next to the bundle). */
  assetsUrl?: URL | string;
  /**
   * A module (URL) exporting the clip transform (`transform`, a default export, or
   * transformExport; a zero-argument function is called as a factory). Workers import it and
   * transform their clips in parallel; without workers the main thread uses it. It replaces
   * the dataset's transform. Without it, workers only decode and the main thread transforms.
   */
  transformModule?: URL | string;
  transformExport?: string;
}

export class DataLoader implements AsyncIterable<Batch> {
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly prefetch: number;
  readonly seed: number;
  readonly shuffle: boolean | undefined;
  private readonly collate: Collate;
  /** Epochs started so far (the next iteration uses this epoch number). */
  epoch = 0;

  constructor(readonly dataset: LoaderDataset, private readonly opts: DataLoaderOptions = {}) {
    if (!isIterableDataset(dataset) && !isMapDataset(dataset)) throw new ArgumentError('DataLoader: dataset must be a video dataset (clipsOfVideo) or map-style (length + getItem)');
    this.batchSize = opts.batchSize ?? 1;
    this.numWorkers = opts.numWorkers ?? 0;
    this.prefetch = opts.prefetch ?? 2;
    for (const [k, v, min] of [['batchSize', this.batchSize, 1], ['numWorkers', this.numWorkers, 0], ['prefetch', this.prefetch, 1]] as const) {
      if (!(Number.isInteger(v) && v >= min)) throw new ArgumentError(`DataLoader: ${k} must be an integer >= ${min}, got ${v}`);
    }
    this.dropLast = opts.dropLast ?? false;
    this.shuffle = opts.shuffle;
    this.seed = (opts.seed ?? random.nextU32()) >>> 0;
    this.collate = opts.collate ?? defaultCollate;
    if (this.numWorkers > 0 && !dataset.toSpec()) {
      throw new ArgumentError('DataLoader: numWorkers > 0 needs a dataset that can be rebuilt in a worker (a built-in dataset with a built-in clip sampler)');
    }
  }

  /** Clips per unit when the clip sampler fixes it (null: it depends on the video). */
  private clipsPerUnit(): number | null {
    if (isMapDataset(this.dataset)) return 1;
    const cs = (this.dataset as { clipSampler?: { constructor: { name: string }; clipsPerVideo?: number; augsPerClip?: number } }).clipSampler;
    const name = cs?.constructor.name ?? '';
    if (['RandomClipSampler', 'RandomMultiClipSampler', 'RandomMultiClipSamplerTruncateFromStart', 'TimeStampClipSampler'].includes(name)) return 1;
    if (name === 'ConstantClipsPerVideoSampler') return (cs!.clipsPerVideo ?? 1) * (cs!.augsPerClip ?? 1);
    return null;
  }

  /** Batches per epoch when known in advance (no bad videos, a fixed number of clips per video). */
  get length(): number | undefined {
    const k = this.clipsPerUnit();
    if (k === null) return undefined;
    const n = this.unitCount() * k;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  private unitCount(): number {
    const d = this.dataset;
    return isMapDataset(d) ? d.length : (d as { numVideos?: number }).numVideos ?? d.videos.length;
  }

  /** The unit order of an epoch. */
  unitOrder(epoch: number): number[] {
    const d = this.dataset;
    if (isMapDataset(d)) return this.shuffle ? randperm(d.length, makeGenerator(mixSeed(this.seed, epoch, 1))) : Array.from({ length: d.length }, (_, i) => i);
    // The dataset's video sampler picks (and shards) the videos: a DistributedSampler is told
    // the epoch, and shuffle only permutes the sampler's own pass, so a rank keeps its shard.
    (d as { videoSampler?: { setEpoch?(e: number): void } }).videoSampler?.setEpoch?.(epoch);
    const order = d.videoOrder();
    if (!this.shuffle) return order;
    // The sampler's videos in index order, then the loader's permutation: the order depends on
    // the loader's seed and the epoch only, not on how often a random sampler was iterated.
    order.sort((a, b) => a - b);
    return randperm(order.length, makeGenerator(mixSeed(this.seed, epoch, 1))).map((i) => order[i]);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const epoch = this.epoch++;
    const units = this.unitOrder(epoch);
    const unitSeed = mixSeed(this.seed, epoch, 2);
    const source = this.numWorkers > 0 ? this.fromWorkers(units, unitSeed) : this.inline(units, unitSeed);
    // Who transforms: the workers when they load the transform module, else this thread.
    const workersTransform = this.numWorkers > 0 && this.opts.transformModule !== undefined;
    const transform = workersTransform ? null : this.opts.transformModule !== undefined
      ? (this.moduleTransform ??= await loadTransformModule(String(this.opts.transformModule), this.opts.transformExport))
      : this.dataset.transform;
    let pending: ClipDict[] = [];
    try {
      for await (const { unit, clips } of source) {
        for (const c of transformUnit(transform, clips, unit, unitSeed)) {
          pending.push(c);
          if (pending.length === this.batchSize) { const b = pending; pending = []; yield this.collate(b); }
        }
      }
      if (pending.length > 0 && !this.dropLast) { const b = pending; pending = []; yield this.collate(b); }
    } finally {
      pending.forEach(disposeTensors);
    }
  }

  private async *inline(units: number[], seed: number): AsyncGenerator<{ unit: number; clips: ClipDict[] }> {
    for (const u of units) yield { unit: u, clips: await produceUnit(this.dataset, u, seed) };
  }

  /** Units decoded by a pool of workers, yielded in unit order. */
  private async *fromWorkers(units: number[], seed: number): AsyncGenerator<{ unit: number; clips: ClipDict[] }> {
    // Workers persist across epochs (starting one loads vidwasm and the ffmpeg core).
    const tm = this.opts.transformModule;
    this.pool ??= WorkerPool.start(this.numWorkers, this.dataset.toSpec(), this.opts.workerUrl, tm === undefined ? undefined : String(tm), this.opts.transformExport, this.opts.assetsUrl);
    const pool = await this.pool;
    this.poolNow = pool;
    let finished = false;
    const done = new Map<number, ClipDict[] | Error>();
    let next = 0; // next unit to dispatch
    let emit = 0; // next unit to yield
    let wake: (() => void) | null = null;
    const inFlight = new Array(pool.size).fill(0);
    const dispatch = () => {
      // Bounded: at most prefetch units per worker are decoding or waiting to be yielded.
      while (next < units.length && next - emit < pool.size * this.prefetch) {
        const w = inFlight.indexOf(Math.min(...inFlight));
        if (inFlight[w] >= this.prefetch) break;
        const seq = next++;
        inFlight[w]++;
        void pool.send(w, { unit: units[seq], seed }).then((r) => {
          inFlight[w]--;
          // an epoch abandoned early (break) frees what still arrives
          if (finished) { if (!(r instanceof Error)) r.forEach(disposeTensors); return; }
          done.set(seq, r);
          wake?.();
        });
      }
    };
    try {
      while (emit < units.length) {
        dispatch();
        while (!done.has(emit)) await new Promise<void>((res) => { wake = res; });
        wake = null;
        const r = done.get(emit)!;
        done.delete(emit);
        if (r instanceof Error) throw r;
        yield { unit: units[emit], clips: r };
        emit++;
      }
    } finally {
      finished = true;
      for (const r of done.values()) if (!(r instanceof Error)) r.forEach(disposeTensors);
      // Skipped videos reported by workers count in the dataset, as without workers.
      const skipped = pool.skipped.splice(0);
      const d = this.dataset as { skipped?: number; skippedVideos?: unknown[] };
      if (d.skippedVideos) { d.skippedVideos.push(...skipped); d.skipped = (d.skipped ?? 0) + skipped.length; }
    }
  }

  private pool: Promise<WorkerPool> | null = null;
  private moduleTransform: ClipTransform | null = null;

  /** Live tensors / bytes in each worker after its last unit (0 when nothing leaks). */
  workerMemory(): Array<{ liveTensors: number; liveBytes: number }> {
    return this.poolNow?.memory.slice() ?? [];
  }
  private poolNow: WorkerPool | null = null;

  /** Stops the worker threads (they do not keep the process alive, but hold memory). */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    this.poolNow = null;
    if (p) (await p).close();
  }
}

/** What the pool needs of a worker: Node's Worker as is, a Web Worker through webWorker(). */
interface PoolWorker {
  postMessage(m: unknown): void;
  terminate(): unknown;
  unref(): void;
  ref(): void;
  on(ev: 'message', fn: (m: FromWorker) => void): void;
  on(ev: 'error', fn: (e: Error) => void): void;
}

/** A module Web Worker behind the PoolWorker interface (ref/unref mean nothing in a page). */
function webWorker(href: string): PoolWorker {
  const W = (globalThis as { Worker?: new (u: string, o: { type: 'module' }) => {
    postMessage(m: unknown): void; terminate(): void; addEventListener(t: string, f: (e: { data?: unknown; message?: string }) => void): void } }).Worker;
  if (!W) throw new UnsupportedError('DataLoader: numWorkers > 0 needs worker_threads (Node) or Web Workers (browser); this host has neither');
  const w = new W(href, { type: 'module' });
  return {
    postMessage: (m) => w.postMessage(m),
    terminate: () => w.terminate(),
    ref() {},
    unref() {},
    on(ev: 'message' | 'error', fn: (x: never) => void) {
      if (ev === 'message') w.addEventListener('message', (e) => (fn as (m: unknown) => void)(e.data));
      // a script that fails to load or throws at top level only gives an ErrorEvent
      else w.addEventListener('error', (e) => (fn as (x: Error) => void)(new VidwasmError('E_WORKER', `loader worker ${href}: ${e.message || 'failed to load (is workerUrl a served module script?)'}`)));
    },
  };
}

/** Worker threads for one epoch, each holding the dataset rebuilt from its spec. */
class WorkerPool {
  readonly skipped: Array<{ path: string; reason: string; message: string }> = [];
  private waiting = new Map<number, (r: ClipDict[] | Error) => void>();
  private closed = false;
  private constructor(private readonly workers: PoolWorker[]) {}
  get size(): number { return this.workers.length; }

  readonly memory: Array<{ liveTensors: number; liveBytes: number }> = [];

  static async start(n: number, spec: unknown, url?: URL | string, transformModule?: string, transformExport?: string, assetsUrl?: URL | string): Promise<WorkerPool> {
    const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (m: string) => unknown } }).process;
    const node = !!proc?.versions?.node;
    if (node && !proc!.getBuiltinModule) throw new UnsupportedError('DataLoader: numWorkers > 0 needs Node >= 20.16 (process.getBuiltinModule)');
    const here = import.meta.url;
    const page = (globalThis as { location?: { href: string } }).location?.href;
    let ws: PoolWorker[];
    let extra: Partial<Extract<ToWorker, { type: 'init' }>> = {};
    if (node) {
      const { Worker } = proc!.getBuiltinModule!('node:worker_threads') as typeof import('node:worker_threads');
      const file = url ?? new URL(here.endsWith('.ts') ? './worker.ts' : './worker.js', here);
      const href = (file instanceof URL ? file : new URL(file)).href;
      // Running from TypeScript sources (tests, tsx): the worker registers tsx's loader itself,
      // because loader hooks given by --import do not reach worker threads on Node 20.
      ws = Array.from({ length: n }, () => href.endsWith('.ts')
        ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(href)}); })`, { eval: true, execArgv: [] })
        : new Worker(new URL(href))) as unknown as PoolWorker[];
    } else {
      // URLs relative to the page, made absolute: the worker may live elsewhere (or at a blob: URL)
      const href = new URL(String(url ?? new URL('./browser-worker.js', here)), page).href;
      ws = Array.from({ length: n }, () => webWorker(href));
      extra = { assets: new URL(String(assetsUrl ?? new URL('./', here)), page).href, decoder: browserDecoderConfig() };
      if (transformModule !== undefined) transformModule = new URL(transformModule, page).href;
    }
    const pool = new WorkerPool(ws);
    await Promise.all(ws.map((w, wi) => new Promise<void>((resolve, reject) => {
      const onMsg = (m: FromWorker) => {
        if (m.type === 'ready') { w.unref(); resolve(); return; } // idle workers never keep the process alive
        if (m.type === 'error' && m.seq === -1) { reject(new VidwasmError(m.error.code ?? 'E_WORKER', m.error.message)); return; }
        if (m.type === 'done') {
          pool.skipped.push(...m.skipped);
          pool.memory[wi] = { liveTensors: m.liveTensors, liveBytes: m.liveBytes };
          const items = m.items.map((x) => fromWire(x) as ClipDict);
          const cb = pool.waiting.get(m.seq);
          pool.waiting.delete(m.seq);
          if (cb && !pool.closed) cb(items); else items.forEach(disposeTensors);
        } else if (m.type === 'error') {
          const cb = pool.waiting.get(m.seq);
          pool.waiting.delete(m.seq);
          const e = m.error;
          const err = e.path && e.reason
            ? new VideoDecodeError(e.path, e.reason as VideoDecodeReason, e.message.startsWith(`${e.path}: `) ? e.message.slice(e.path.length + 2) : e.message)
            : new VidwasmError(e.code ?? 'E_WORKER', `${e.name}: ${e.message}`);
          cb?.(err);
        }
      };
      w.on('message', onMsg);
      w.on('error', (e) => { reject(e); for (const cb of pool.waiting.values()) cb(e as Error); pool.waiting.clear(); });
      w.postMessage({ type: 'init', spec, transformModule, transformExport, ...extra } as ToWorker);
    })));
    return pool;
  }

  private seq = 0;
  private pending: number[] = [];
  /** Work for worker w; a worker with work in flight keeps the process alive, an idle one not. */
  send(w: number, work: { unit: number; seed: number }): Promise<ClipDict[] | Error> {
    const seq = this.seq++;
    const worker = this.workers[w] as { ref(): void; unref(): void; postMessage(m: unknown): void };
    if ((this.pending[w] = (this.pending[w] ?? 0) + 1) === 1) worker.ref();
    return new Promise((resolve) => {
      this.waiting.set(seq, (r) => {
        if (--this.pending[w] === 0) worker.unref();
        resolve(r);
      });
      worker.postMessage({ type: 'work', seq, ...work } satisfies ToWorker);
    });
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) void w.terminate();
  }
}
