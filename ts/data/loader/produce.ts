// One unit of loader work, the same in the main thread and in a worker: every (untransformed)
// clip dict of one video of an iterable dataset, or one item of a map-style dataset. The
// transform runs afterwards, reseeded per clip, so batches do not depend on numWorkers.
import { manualSeed } from '../../runtime/random.js';
import { mixSeed, type ClipDict, type ClipTransform } from '../datasets/labeled_video_dataset.js';
import { isIterableDataset, type LoaderDataset } from '../datasets/contracts.js';

/** Decodes one unit without the transform. */
export async function produceUnit(ds: LoaderDataset, unit: number, seed: number): Promise<ClipDict[]> {
  if (isIterableDataset(ds)) {
    const out: ClipDict[] = [];
    for await (const c of ds.clipsOfVideo(unit, { seed, transform: false })) out.push(c);
    return out;
  }
  return [await ds.getItem(unit, { seed, transform: false })];
}

/** The transform of a unit's clips, each with its own seed (clip k of unit u: mixSeed(seed, u, k)). */
export function transformUnit(transform: ClipTransform | null, clips: ClipDict[], unit: number, seed: number): ClipDict[] {
  if (!transform) return clips;
  const out: ClipDict[] = [];
  clips.forEach((c, k) => {
    manualSeed(mixSeed(seed, unit, k + 1));
    const r = transform(c);
    if (r !== null && r !== undefined) out.push(r);
  });
  return out;
}

/**
 * Imports a transform from a module (its `exportName` export, else `transform`, else default);
 * a function export taking no arguments is treated as a factory and called once.
 */
export async function loadTransformModule(url: string, exportName?: string): Promise<ClipTransform> {
  const mod = await import(url) as Record<string, unknown>;
  let t = exportName ? mod[exportName] : (mod.transform ?? mod.default);
  if (typeof t === 'function' && (t as { length: number }).length === 0) t = (t as () => unknown)();
  if (typeof t !== 'function') throw new TypeError(`transform module ${url}: no transform function export${exportName ? ` '${exportName}'` : ' (transform or default)'}`);
  return t as ClipTransform;
}
