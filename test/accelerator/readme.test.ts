// The README's Accelerator example runs as written (with 'vidwasm' resolved to this checkout).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

test('README: the Accelerator example runs and prints what it says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('### Accelerator'));
  const code = section.match(/```ts\n([\s\S]*?)```/)![1];
  const entry = fileURLToPath(new URL('../../ts/node.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'readme-acc-'));
  const file = join(dir, 'example.ts');
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
  assert.is(lines[0][0], 'max |original - deploy|:');
  assert.ok((lines[0][1] as number) < 1e-4, `deploy form differs by ${lines[0][1]}`);
  assert.is(lines[1][0], 116);
  assert.equal(lines[1][2], { name: 'blocks.0.conv.conv_t', from: 'Conv3d', to: 'Conv3dTemporalKernel1BnAct' });
});

test.run();
