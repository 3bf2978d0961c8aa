// The package as a user gets it: `npm pack` (its prepack runs `make build`) in a scratch copy of
// the sources, the tarball installed into an empty project, then the library imported, the `vidwasm`
// bin run and a user program type-checked against the shipped declarations.
// The copy keeps this test from rewriting the checkout's dist/ while other tests read it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vidwasm-pack-'));

// A user's environment: without the test runner's VIDWASM_* overrides (they would point the
// installed package at the checkout's wasm/).
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIDWASM_')));

function run(cmd: string, args: string[], opts: SpawnSyncOptions): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, env: userEnv, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return String(r.stdout);
}

let tarball = '';
const project = join(work, 'project');

test('npm pack on a copy of the sources builds the whole package', () => {
  const src = join(work, 'src');
  mkdirSync(src);
  for (const f of ['package.json', 'package-lock.json', 'Makefile', 'README.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md',
    'tsconfig.json', 'tsconfig.build.json', 'ts', 'native', 'scripts']) cpSync(join(root, f), join(src, f), { recursive: true });
  // The wasm built by `make test`, dated after the sources and its outputs after its objects,
  // so make sees everything up to date and only runs the TypeScript part of `make build`.
  cpSync(join(root, 'wasm'), join(src, 'wasm'), { recursive: true });
  const now = Date.now() / 1000;
  const redate = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) redate(p);
      else utimesSync(p, now + (e.name.endsWith('.o') ? 10 : 20), now + (e.name.endsWith('.o') ? 10 : 20));
    }
  };
  redate(join(src, 'wasm'));
  symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'));
  const out = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: src });
  // make's output shares stdout with npm's JSON, which starts a line with '[' and then '{'.
  const info = JSON.parse(out.slice(out.search(/^\[\s*\{/m)))[0] as { filename: string; files: { path: string }[] };
  tarball = join(work, info.filename);
  const files = new Set(info.files.map((f) => f.path));
  for (const f of ['LICENSE', 'THIRD_PARTY_NOTICES.md', 'README.md', 'package.json', 'dist/node.js', 'dist/browser.js',
    'dist/wasi.js', 'dist/cli.js', 'dist/worker.js', 'dist/browser-worker.js', 'dist/vidwasm.wasm', 'dist/vidwasm-mt.wasm',
    'dist/vidwasm-cmd.wasm', 'dist/pixels.wasm', 'dist/pixels-mt.wasm', 'dist/types/node.d.ts', 'dist/types/browser.d.ts']) {
    assert.ok(files.has(f), `the tarball lacks ${f}`);
  }
  assert.not.ok([...files].some((f) => f.startsWith('test/') || f.startsWith('native/')), 'sources and tests stay out of the tarball');
});

test('the tarball installs into an empty project; import and the bin work', () => {
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project });
  const out = run(process.execPath, ['--input-type=module', '-e', `
    import { Tensor, ops, nn } from 'vidwasm';
    const conv = new nn.Conv3d(3, 4, [3, 3, 3], { padding: [1, 1, 1] });
    const y = ops.relu(conv.forward(Tensor.ones([1, 3, 4, 8, 8])));
    console.log(JSON.stringify(y.shape));`], { cwd: project });
  assert.is(out.trim(), '[1,4,4,8,8]');
  const info = run('npx', ['--no-install', 'vidwasm', 'info'], { cwd: project });
  assert.match(info, /wasm SIMD\s+yes/);
  assert.match(info, /kernel module\s+.*node_modules\/vidwasm\/dist\/vidwasm\.wasm/);
  assert.ok(readdirSync(join(project, 'node_modules', 'vidwasm')).includes('LICENSE'));
});

test('a user program type-checks against the node entry (skipLibCheck off)', () => {
  writeFileSync(join(project, 'user.ts'), `
    import { init, setNumThreads, Tensor, ops, zoo, models } from 'vidwasm';
    init();
    const x: Tensor = Tensor.randn([2, 3]);
    const y: Tensor = ops.relu(x);
    const n: number = await setNumThreads(1);
    console.log(y.shape, n, typeof zoo.load, typeof models.createX3d);
  `);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false,
      noEmit: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] },
    files: ['user.ts'],
  }));
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: project });
});

test.run();
