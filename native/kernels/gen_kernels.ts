// Generates the C header, the WASI dispatch table and the typed TypeScript bindings from the
// kernel manifest native/kernels/kernels.def (its header describes the format).
//   npx tsx native/kernels/gen_kernels.ts          writes the files that changed (`make gen`)
//   npx tsx native/kernels/gen_kernels.ts --check  exits 1 when a committed file differs
// test/ops/manifest.test.ts calls generate() and compares too.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Param { ctype: string; name: string; wasm: 'i' | 'f' }
export interface KernelDef {
  name: string; ret: string; params: Param[];
  base: boolean; scalar: boolean; x86: boolean; arm: boolean;
  /** A relaxed-SIMD variant vw_<name>_relaxed in vidwasm-relaxed.wasm (native/relaxed). */
  relaxed: boolean;
  /** SIMD-vs-scalar tolerance: 0 = bitwise, r > 0 = relative, null = no twin to compare. */
  tol: number | null;
}
export interface EnumDef { kind: 'enum' | 'block' | 'flags'; ts: string; prefix: string; members: [string, number][] }
export interface ConstDef { ts: string; c: string; value: number }
export interface Manifest { consts: ConstDef[]; enums: EnumDef[]; kernels: KernelDef[] }

const wasmOf = (ctype: string): 'i' | 'f' => {
  if (ctype.includes('*') || /^(const\s+)?(int|int32_t|uint32_t)$/.test(ctype)) return 'i';
  if (ctype === 'float') return 'f';
  throw new Error(`kernels.def: unsupported argument type '${ctype}'`);
};
const retOf = (ctype: string): 'v' | 'i' | 'f' | 'd' => {
  const r = ({ void: 'v', int: 'i', int32_t: 'i', float: 'f', double: 'd' } as const)[ctype as 'void'];
  if (!r) throw new Error(`kernels.def: unsupported return type '${ctype}'`);
  return r;
};

export function parse(text: string): Manifest {
  const m: Manifest = { consts: [], enums: [], kernels: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const fail = (why: string): never => { throw new Error(`kernels.def:${i + 1}: ${why}: ${raw}`); };
    let g: RegExpMatchArray | null;
    if ((g = line.match(/^const\s+(\w+)\s+(\w+)\s+(-?\d+)$/))) {
      m.consts.push({ ts: g[1], c: g[2], value: Number(g[3]) });
    } else if ((g = line.match(/^(enum|block|flags)\s+(\w+)\s+(\w+):\s*(.+)$/))) {
      let next = 0;
      const members = g[4].split(/\s+/).map((tok): [string, number] => {
        const [k, v] = tok.split('=');
        if (!/^\w+$/.test(k)) fail(`bad member '${tok}'`);
        const val = v === undefined ? next : Number(v);
        next = val + 1;
        return [k, val];
      });
      m.enums.push({ kind: g[1] as EnumDef['kind'], ts: g[2], prefix: g[3], members });
    } else if ((g = line.match(/^kernel\s+(void|int|int32_t|float|double)\s+(\w+)\((.*)\)\s*(.*)$/))) {
      const params = g[3].trim() === 'void' ? [] : g[3].split(',').map((p): Param => {
        const pm = p.trim().match(/^(.*?[\s*])(\w+)$/) ?? fail(`bad parameter '${p}'`);
        const ctype = pm[1].trim();
        return { ctype, name: pm[2], wasm: wasmOf(ctype) };
      });
      const flags = g[4].split(/\s+/).filter(Boolean);
      const k: KernelDef = { name: g[2], ret: g[1], params, base: true, scalar: false, x86: false, arm: false, relaxed: false, tol: null };
      for (const f of flags) {
        if (f === 'scalar' || f === 'x86' || f === 'arm' || f === 'relaxed') k[f] = true;
        else if (f === 'nobase') k.base = false;
        else if (f === 'exact') k.tol = 0;
        else if (/^rel=[\d.e-]+$/.test(f)) k.tol = Number(f.slice(4));
        else fail(`unknown flag '${f}'`);
      }
      if (k.tol !== null && !(k.scalar && k.base)) fail('a tolerance needs both a SIMD kernel and a scalar twin');
      if (k.base && k.scalar && k.tol === null) fail('a kernel with a scalar twin needs a tolerance (exact or rel=...)');
      if (m.kernels.some((o) => o.name === k.name)) fail('kernel listed twice');
      m.kernels.push(k);
    } else fail('cannot parse');
  });
  return m;
}

/** Export names of one kernel, as the wasm module has them (relaxed variants live in their own module). */
export function exportsOf(k: KernelDef): string[] {
  const out: string[] = [];
  if (k.base) out.push(`vw_${k.name}`);
  for (const v of ['x86', 'arm', 'scalar'] as const) if (k[v]) out.push(`vw_${k.name}_${v}`);
  return out;
}

export const relaxedExportsOf = (k: KernelDef): string[] => (k.relaxed ? [`vw_${k.name}_relaxed`] : []);

const HEADER = (c: string) => `${c} Generated from native/kernels/kernels.def by native/kernels/gen_kernels.ts (make gen): do not edit.\n`;
const sigOf = (k: KernelDef) => k.params.map((p) => p.wasm).join('');
/** Pointer parameters from the C prototype: const pointers are read, others written (inference plans trace them). */
const accessOf = (k: KernelDef) => k.params.map((p) => (!p.ctype.includes('*') ? '-' : /^const\b/.test(p.ctype) ? 'r' : 'w')).join('');
const enumC = (e: EnumDef) => {
  const items = e.members.map(([k, v]) => `${e.prefix}${k.toUpperCase()} = ${v}`);
  if (e.kind !== 'flags') items.push(`${e.prefix}COUNT = ${e.members.length}`);
  const decl = `enum {\n${wrap(items, '  ')}\n};`;
  if (e.kind !== 'enum') return decl;
  // An X-macro over the members, so a switch that handles every member is written once.
  const xs = e.members.map(([k]) => `X(${e.prefix}${k.toUpperCase()})`);
  return `${decl}\n#define ${e.prefix}FOREACH(X) \\\n${wrap(xs, '  ').replace(/,/g, '').replace(/\n/g, ' \\\n')}`;
};
function wrap(items: string[], indent: string, width = 100): string {
  const lines: string[][] = [[]];
  let len = indent.length;
  for (const it of items) {
    if (lines[lines.length - 1].length && len + it.length + 2 > width) { lines.push([]); len = indent.length; }
    lines[lines.length - 1].push(it);
    len += it.length + 2;
  }
  return lines.map((l) => indent + l.join(', ')).join(',\n');
}

const cArgs = (k: KernelDef) => (k.params.length ? k.params.map((p) => `${p.ctype}${p.ctype.endsWith('*') ? '' : ' '}${p.name}`).join(', ') : 'void');

function cHeader(m: Manifest): string {
  const out = [HEADER('//'), '#ifndef VW_KERNELS_GEN_H', '#define VW_KERNELS_GEN_H', '#include <stdint.h>', ''];
  for (const c of m.consts) out.push(`#define ${c.c} ${c.value}`);
  for (const e of m.enums) out.push(`// ${e.ts}`, enumC(e));
  out.push('', '// Every exported kernel (definitions are marked VW_EXPORT).');
  for (const k of m.kernels) {
    for (const ex of [...exportsOf(k), ...relaxedExportsOf(k)]) out.push(`${k.ret} ${ex}(${cArgs(k)});`);
  }
  out.push('', '#endif', '');
  return out.join('\n');
}

/** The WASI command's table: declarations at the wasm level (i32/f32), one caller per signature. */
function wasiTable(m: Manifest): string {
  const ctypeOf = (c: string) => ({ v: 'void', i: 'int32_t', f: 'float', d: 'double' })[c]!;
  const full = (k: KernelDef) => `${retOf(k.ret)}_${sigOf(k) || 'v'}`;
  const shapes = [...new Set(m.kernels.map(full))];
  const out = [HEADER('//'), '// Included by main.c only: pointers are declared as int32_t, which is exact at the wasm level.',
    '#include <stdint.h>', '#include <string.h>', '', 'typedef void (*anyfn)(void);', ''];
  for (const k of m.kernels) {
    const args = k.params.length ? k.params.map((p) => ctypeOf(p.wasm)).join(', ') : 'void';
    for (const ex of exportsOf(k)) out.push(`${ctypeOf(retOf(k.ret))} ${ex}(${args});`);
  }
  out.push('', 'typedef struct {', '  const char *name, *sig;  // sig: argument types, i = i32 or pointer, f = f32',
    '  const char *access;       // per argument: r = read pointer, w = written pointer, - = a value',
    '  int shape;               // index of the caller in invoke()', '  anyfn base, x86, arm, scalar;', '} Kernel;', '');
  const fn = (k: KernelDef, v: string) => (v === 'base' ? k.base : k[v as 'x86']) ? `(anyfn)vw_${k.name}${v === 'base' ? '' : `_${v}`}` : '0';
  out.push('static const Kernel kernels[] = {');
  for (const k of m.kernels) {
    out.push(`  {"${k.name}", "${sigOf(k)}", "${accessOf(k)}", ${shapes.indexOf(full(k))}, ${['base', 'x86', 'arm', 'scalar'].map((v) => fn(k, v)).join(', ')}},`);
  }
  out.push('};', '#define NKERNELS (sizeof kernels / sizeof kernels[0])', '');
  out.push('static float vw_bits_f(uint32_t u) {', '  float f;', '  memcpy(&f, &u, 4);', '  return f;', '}', '');
  out.push('// Calls fn with the arguments a[] (i32 values or f32 bit patterns); a result is dropped.',
    'static void invoke(int shape, anyfn fn, const uint32_t *a) {', '  switch (shape) {');
  shapes.forEach((s, i) => {
    const [r, sig] = s.split('_');
    const ps = sig === 'v' ? [] : [...sig];
    const typ = `${ctypeOf(r)} (*)(${ps.length ? ps.map((c) => ctypeOf(c)).join(', ') : 'void'})`;
    const args = ps.map((c, j) => (c === 'f' ? `vw_bits_f(a[${j}])` : `(int32_t)a[${j}]`)).join(', ');
    out.push(`    case ${i}: ((${typ})fn)(${args}); break;`);
  });
  out.push('  }', '}', '');
  return out.join('\n');
}

function tsBindings(m: Manifest): string {
  const out = [HEADER('//'),
    '// The typed kernel bindings: `import { f32_unary } from \'./kernels.gen.js\'` and call it. wasm.ts',
    '// rebinds every function when the module loads and on setBackend/setIsa, so a call goes straight',
    '// to the chosen export (SIMD, its ISA variant or the scalar twin) with no lookup.',
    "import { VidwasmError } from './errors.js';", ''];
  for (const c of m.consts) out.push(`export const ${c.ts} = ${c.value};`);
  for (const e of m.enums) {
    const items = e.members.map(([k, v]) => `${k}: ${v}`);
    if (e.kind !== 'flags') items.push(`COUNT: ${e.members.length}`);
    const what = { enum: `C enum ${e.prefix}*`, block: `offsets of the int32 parameter block ${e.prefix}*`, flags: `bit flags ${e.prefix}*` }[e.kind];
    out.push(`/** ${what} */`, `export const ${e.ts} = {\n${wrap(items, '  ')},\n} as const;`);
  }
  out.push('', 'export interface KernelInfo {',
    '  /** Wasm argument types: i = i32 or pointer, f = f32. */', '  readonly sig: string;',
    '  /** Which exports exist: vw_<name>, vw_<name>_x86/_arm (ISA variants), vw_<name>_scalar. */',
    '  readonly base: boolean; readonly x86: boolean; readonly arm: boolean; readonly scalar: boolean;',
    '  /** vw_<name>_relaxed exists in vidwasm-relaxed.wasm (loaded where the host has relaxed SIMD). */', '  readonly relaxed: boolean;',
    '  /** SIMD vs scalar twin: 0 = bitwise equal, r > 0 = relative tolerance, null = nothing to compare. */',
    '  readonly tol: number | null;', '  readonly params: readonly string[];',
    '  /** One letter per parameter: r = const pointer (read), w = pointer the kernel writes (and may read), - = a value. */',
    '  readonly access: string;', '}');
  out.push('/** Every kernel of vidwasm.wasm. */', 'export const KERNELS = {');
  for (const k of m.kernels) {
    out.push(`  ${k.name}: { sig: '${sigOf(k)}', base: ${k.base}, x86: ${k.x86}, arm: ${k.arm}, scalar: ${k.scalar}, relaxed: ${k.relaxed}, tol: ${k.tol}, ` +
      `params: [${k.params.map((p) => `'${p.name}'`).join(', ')}], access: '${accessOf(k)}' },`);
  }
  out.push('} as const satisfies Record<string, KernelInfo>;', 'export type KernelName = keyof typeof KERNELS;', '');
  out.push('const notLoaded = (): never => {',
    "  throw new VidwasmError('E_NOT_READY', 'the vidwasm kernel module is not loaded: import vidwasm through its package entry (which loads it) or call init() first');",
    '};', '');
  for (const k of m.kernels) {
    const args = k.params.map((p) => `${p.name}: number`).join(', ');
    const variants = ['x86', 'arm', 'scalar', 'relaxed'].filter((v) => k[v as 'x86']).join(', ');
    out.push(`/** ${k.ret} vw_${k.name}(${cArgs(k)})${variants ? `; variants: ${variants}` : ''} */`,
      `export let ${k.name}: (${args}) => ${k.ret === 'void' ? 'void' : 'number'} = notLoaded;`);
  }
  out.push('', '/** Rebinds every kernel function to what pick(name) returns (wasm.ts calls it). */',
    'export function bindKernels(pick: (name: KernelName) => (...args: number[]) => number): void {');
  for (const k of m.kernels) out.push(`  ${k.name} = pick('${k.name}');`);
  out.push('}', '');
  return out.join('\n');
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEF_PATH = join(root, 'native/kernels/kernels.def');

/** Every generated file (path relative to the repository root) and its content. */
export function generate(defText = readFileSync(DEF_PATH, 'utf8')): Map<string, string> {
  const m = parse(defText);
  return new Map([
    ['native/kernels/kernels.gen.h', cHeader(m)],
    ['native/kernels/wasi/kernel_table.gen.h', wasiTable(m)],
    ['ts/runtime/kernels.gen.ts', tsBindings(m)],
    // wasm-ld's response file for vidwasm-relaxed.wasm: it exports exactly the listed variants.
    ['native/relaxed/exports.gen.rsp', m.kernels.flatMap(relaxedExportsOf).map((e) => `--export=${e}\n`).join('')],
  ]);
}

/** Generated files whose committed content differs from what kernels.def gives. */
export function staleFiles(): string[] {
  return [...generate()].filter(([p, text]) => !existsSync(join(root, p)) || readFileSync(join(root, p), 'utf8') !== text).map(([p]) => p);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length) { console.error(`out of date (run make gen): ${stale.join(', ')}`); process.exit(1); }
  } else {
    // Only changed files are written, so make does not rebuild the kernels for nothing.
    for (const [p, text] of generate()) {
      const f = join(root, p);
      if (!existsSync(f) || readFileSync(f, 'utf8') !== text) { writeFileSync(f, text); console.log(`wrote ${p}`); }
    }
  }
}
