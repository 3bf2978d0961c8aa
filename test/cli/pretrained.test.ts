// `vidwasm classify --pretrained` and `--weights <URL>`: the real X3D-XS checkpoint served by a
// local HTTP server as the zoo's download root ($VIDWASM_ZOO_BASE_URL), cached in a temporary
// $VIDWASM_CACHE_DIR; the same answer as with the file given directly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { root, tmp, makeClips } from './helpers.js';

const fixture = new URL('../../../shared/fixtures/x3d_xs/model.pyth', import.meta.url).pathname;
let requests = 0;
const server = createServer((req, res) => {
  requests++;
  if (req.url?.endsWith('/X3D_XS.pyth')) res.end(readFileSync(fixture));
  else res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/zoo`;
const dir = tmp('pretrained');
const cache = join(dir, 'cache');

/** The CLI from source, asynchronously (the server answers from this process meanwhile). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'ts/cli/main.ts'), ...args], {
      cwd: root, env: { ...process.env, FORCE_COLOR: '0', VIDWASM_ZOO_BASE_URL: base, VIDWASM_CACHE_DIR: cache, TORCH_HOME: join(dir, 'torch') },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let clip = '';
test.before(async () => { [[clip]] = await makeClips(join(dir, 'clips'), 1, 3); });

test('--pretrained downloads once (a summary line on stderr), then classifies from the cache', async () => {
  const byFile = await cli(['classify', clip, '--model', 'x3d_xs', '--weights', fixture, '--json', '--quiet']);
  assert.is(byFile.status, 0, byFile.stderr);
  const first = await cli(['classify', clip, '--model', 'x3d_xs', '--pretrained', '--json']);
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stderr, /download: X3D_XS\.pyth ready/);
  assert.is(requests, 1);
  assert.ok(existsSync(join(cache, 'kinetics', 'X3D_XS.pyth')));
  assert.equal(JSON.parse(first.stdout).top, JSON.parse(byFile.stdout).top);
  const again = await cli(['classify', clip, '--model', 'x3d_xs', '--pretrained', '--json', '--quiet']);
  assert.is(again.status, 0, again.stderr);
  assert.is(requests, 1, 'the second run reads the cache');
  const byUrl = await cli(['classify', clip, '--model', 'x3d_xs', '--weights', `${base}/kinetics/X3D_XS.pyth`, '--json', '--quiet']);
  assert.is(byUrl.status, 0, byUrl.stderr);
  assert.equal(JSON.parse(byUrl.stdout).top, JSON.parse(byFile.stdout).top);
});

test('one-line errors: --pretrained with --weights, a 404, the demo network', async () => {
  let r = await cli(['classify', clip, '--model', 'x3d_xs', '--pretrained', '--weights', fixture, '--quiet']);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /--weights or --pretrained, not both/);
  r = await cli(['classify', clip, '--model', 'x3d_s', '--pretrained', '--quiet']);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /--pretrained: .*X3D_S\.pyth: not found \(HTTP 404\)/);
  r = await cli(['classify', clip, '--model', 'demo', '--pretrained', '--quiet']);
  assert.match(r.stderr, /demo network has no published weights/);
});

test.after(() => { server.close(); });
test.run();
