// The package as a user gets it: `npm pack` (its prepack runs `make build`) in a scratch copy of
// the sources, the tarball installed into an empty project, then the library imported, the `vidwasm`
// bin run and a user program type-checked against the shipped declarations.
// The copy keeps this test from rewriting the checkout's dist/ while other tests read it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
let packed = new Set<string>();
const project = join(work, 'project');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

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
  packed = files;
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

test('exports: every target is in the tarball, and so is every file the bundles load next to themselves', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const targets = (v: unknown): string[] => typeof v === 'string' ? [v] : Object.values(v as object).flatMap(targets);
  for (const [key, value] of Object.entries(pkg.exports)) {
    for (const t of targets(value)) {
      if (t.includes('*')) assert.ok([...packed].some((f) => f.startsWith(t.slice(2, t.indexOf('*')))), `${key}: nothing packed under ${t}`);
      else assert.ok(packed.has(t.slice(2)), `exports[${key}] -> ${t}, which the tarball lacks`);
    }
  }
  assert.ok('./package.json' in pkg.exports);
  // What the runtime fetches or starts by URL: `new URL('./file', import.meta.url | here)` in the shipped bundles.
  const dist = join(project, 'node_modules', 'vidwasm', 'dist');
  const loaded = new Set<string>();
  for (const b of ['browser.js', 'browser-worker.js', 'node.js', 'wasi.js', 'worker.js']) {
    for (const m of readFileSync(join(dist, b), 'utf8').matchAll(/new URL\(\s*["']\.\/([\w.-]+\.(?:wasm|js))["']\s*,\s*(?:import\.meta\.url|here)\s*\)/g)) loaded.add(m[1]);
  }
  for (const f of ['vidwasm.wasm', 'vidwasm-mt.wasm', 'pixels.wasm', 'pixels-mt.wasm', 'browser-worker.js']) assert.ok(loaded.has(f), `the bundles load ${f} (found: ${[...loaded].join(', ')})`);
  for (const f of loaded) {
    assert.ok(packed.has(`dist/${f}`), `the runtime loads ./${f} next to its bundle, which the tarball lacks`);
    assert.ok(`./wasm/${f}` in pkg.exports || `./${f}` in pkg.exports, `${f} has a named export (./wasm/${f} or ./${f})`);
  }
});

/** Every runtime export of an entry (top level, and one level into its namespaces), as a TypeScript expression list. */
function exportedNames(entryUrl: string): string {
  const out = run(process.execPath, ['--input-type=module', '-e', `
    const m = await import(${JSON.stringify(entryUrl)});
    const names = [];
    for (const [k, v] of Object.entries(m)) {
      names.push('vw.' + k);
      // namespaces (esbuild turns \`export * as x\` into a plain object)
      if (v && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) for (const j of Object.keys(v)) names.push('vw.' + k + '.' + j);
    }
    console.log(JSON.stringify(names));`], { cwd: project });
  const names = JSON.parse(out) as string[];
  assert.ok(names.length > 100, `${entryUrl} exports ${names.length} names`);
  return names.join(',\n  ');
}

function typecheck(dir: string, files: Record<string, string>, compilerOptions: Record<string, unknown>): void {
  mkdirSync(join(project, dir), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(project, dir, f), text);
  writeFileSync(join(project, dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', strict: true, skipLibCheck: false, noEmit: true, ...compilerOptions },
    files: Object.keys(files),
  }));
  run(tsc, ['-p', '.'], { cwd: join(project, dir) });
}

test('every runtime export of the node and browser entries is declared', () => {
  const entry = (f: string) => pathToFileURL(join(project, 'node_modules', 'vidwasm', 'dist', f)).href;
  typecheck('names-node', { 'names.ts': `import * as vw from 'vidwasm';\nexport const all = [\n  ${exportedNames(entry('node.js'))}\n];\n` },
    { module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] });
  // the browser bundle imports in Node too: nothing runs at import
  typecheck('names-browser', { 'names.ts': `import * as vw from 'vidwasm';\nexport const all = [\n  ${exportedNames(entry('browser.js'))}\n];\n` },
    { module: 'ESNext', moduleResolution: 'Bundler', types: [], lib: ['ES2022', 'DOM'] });
});

test('a browser user program type-checks without @types/node (types: [], skipLibCheck off)', () => {
  typecheck('browser-user', { 'main.ts': `
    import { init, env, setNumThreads, Tensor, ops, models, data, NotInitializedError, OutOfMemoryError, type InitOptions } from 'vidwasm';
    env.wasmPaths = '/assets/vidwasm/';
    const opts: InitOptions = { wasmPaths: { 'vidwasm.wasm': new URL('/cdn/vidwasm.wasm', location.href) }, maxMemoryBytes: 1024 ** 3 };
    try { Tensor.ones([1]); } catch (e) { if (!(e instanceof NotInitializedError)) throw e; }
    await init(opts);
    const threads: number = await setNumThreads(1);
    data.configureBrowserDecoder({ coreURL: '/ffmpeg-core/ffmpeg-core.js', timeoutMs: 10_000 });
    const model = models.createX3d({ inputClipLength: 4, inputCropSize: 32, modelNumClass: 5 });
    try {
      const y: Tensor = ops.softmax(model.forward(Tensor.randn([1, 3, 4, 32, 32])), 1);
      document.title = String(y.shape) + threads;
    } catch (e) { if (e instanceof OutOfMemoryError) console.warn(e.message); else throw e; }
  ` }, { module: 'ESNext', moduleResolution: 'Bundler', types: [], lib: ['ES2022', 'DOM'] });
});

test('a Node user program type-checks against the node entry (skipLibCheck off)', () => {
  typecheck('node-user', { 'user.ts': `
    import { init, setNumThreads, Tensor, ops, zoo, models, type InitOptions } from 'vidwasm';
    init();
    const opts: InitOptions = { maxMemoryBytes: 2 * 1024 ** 3 };
    await init(opts);
    const x: Tensor = Tensor.randn([2, 3]);
    const y: Tensor = ops.relu(x);
    const n: number = await setNumThreads(1);
    console.log(y.shape, n, typeof zoo.load, typeof models.createX3d);
  ` }, { module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] });
});

test.run();
