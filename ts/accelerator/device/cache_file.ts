// Saving and loading a KernelChoiceCache as a JSON file (Node and WASI-shim hosts with node:fs;
// node:fs is imported on use, so browser bundles never load it: there, keep cache.toJSON()
// wherever the page likes, e.g. localStorage).
import { KernelChoiceCache } from './choose.js';

export async function saveChoiceCache(cache: KernelChoiceCache, path: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, JSON.stringify(cache.toJSON(), null, 1));
}

/** The cache saved at path, or an empty one when the file does not exist; a corrupt file is an E_FORMAT error. */
export async function loadChoiceCache(path: string): Promise<KernelChoiceCache> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new KernelChoiceCache();
    throw e;
  }
  return KernelChoiceCache.fromJSON(text);
}
