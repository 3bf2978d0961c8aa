// Runs the first ```ts block after a README heading against the repo's Node entry (as a user's
// `from 'vidwasm'` would) and returns what it printed with console.log, one argument list a line.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export async function runReadmeExample(heading: string): Promise<unknown[][]> {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const code = readme.slice(readme.indexOf(heading)).match(/```ts\n([\s\S]*?)```/)![1];
  const entry = fileURLToPath(new URL('../../ts/node.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'readme-example-'));
  const file = join(dir, 'example.mts'); // top-level await: an ES module
  writeFileSync(file, code.replace(/from 'vidwasm'/g, `from ${JSON.stringify(entry)}`));
  const lines: unknown[][] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => { lines.push(a); };
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
