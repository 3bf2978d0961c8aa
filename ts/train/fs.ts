// The few file operations the trainer needs, through node:fs only when it is called, so the
// trainer also loads in a browser (where checkpointDir is simply not given).
import { ArgumentError } from '../runtime/errors.js';
import { nodeBuiltin } from '../runtime/hosts/node_builtins.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function fsp(): Promise<typeof import('node:fs/promises')> {
  if (!isNode) throw new ArgumentError('checkpointDir needs Node file access; in a browser leave it unset and use trainer.history');
  return nodeBuiltin('node:fs/promises');
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

export async function ensureDir(dir: string): Promise<void> { await (await fsp()).mkdir(dir, { recursive: true }); }

export async function readText(path: string): Promise<string | null> {
  try { return await (await fsp()).readFile(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function exists(path: string): Promise<boolean> {
  try { await (await fsp()).stat(path); return true; } catch { return false; }
}

/** Writes through a temporary file and a rename, so a crash never leaves a half-written file. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await fsp();
  const tmp = `${path}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, path);
}

export async function writeText(path: string, text: string): Promise<void> { await writeAtomic(path, text); }
export async function appendText(path: string, text: string): Promise<void> { await (await fsp()).appendFile(path, text); }
