// Saving and loading a KernelChoiceCache as a JSON file (Node; node:fs is asked for at run time,
// so browser bundles never see it: there, keep cache.toJSON() wherever the page likes, e.g.
// localStorage).
import { KernelChoiceCache } from './choose.js';
import { nodeBuiltin } from '../../runtime/hosts/node_builtins.js';

export async function saveChoiceCache(cache: KernelChoiceCache, path: string): Promise<void> {
  const { writeFile } = nodeBuiltin('node:fs/promises', 'saveChoiceCache');
  await writeFile(path, JSON.stringify(cache.toJSON(), null, 1));
}

/** The cache saved at path, or an empty one when the file does not exist; a corrupt file is an E_FORMAT error. */
export async function loadChoiceCache(path: string): Promise<KernelChoiceCache> {
  const { readFile } = nodeBuiltin('node:fs/promises', 'loadChoiceCache');
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return new KernelChoiceCache();
    throw e;
  }
  return KernelChoiceCache.fromJSON(text);
}
