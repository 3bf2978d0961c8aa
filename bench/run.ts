// Benchmark harness: `npx tsx bench/run.ts [suite...] [--json] [--quick] [--filter=text]`
// (`npm run bench -- kernels`). A suite name `s` runs bench/s.ts and every bench/s_*.ts, so
// other kernel families add bench/kernels_<family>.ts and `kernels` picks them up. Default: kernels.
//
// A suite file either exports `cases: BenchCase[]` (see bench/kernels.ts): the harness times
// every case with tinybench under the SIMD kernels and under the scalar twins, in the same
// run; or it exports an async `run<Name>Suite({quick, filter})` returning rows with a `name`,
// a `backend` and `gflops`/`gops` (plus `pass`/`kind` qualifiers), which the harness tabulates.
// Single thread. Figures come from median CPU time per call (and median wall time, shown too).
import { cpus, arch, platform } from 'node:os';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { features, setBackend, getIsa, type KernelBackend } from '../ts/node.js';
import type { BenchCase } from './kernels.js';

interface Row { suite: string; name: string; shape: string; unit: string; simd?: number; scalar?: number; simdWall?: number; scalarWall?: number }

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
const suites = args.filter((a) => !a.startsWith('--'));
if (suites.length === 0) suites.push('kernels');
const log = (s: string) => { if (!json) console.log(s); };

const here = dirname(fileURLToPath(import.meta.url));
function suiteFiles(name: string): string[] {
  const files = readdirSync(here).filter((f) => f === `${name}.ts` || (f.startsWith(`${name}_`) && f.endsWith('.ts'))).sort();
  if (files.length === 0) throw new Error(`no benchmark suite '${name}' (looked for bench/${name}.ts and bench/${name}_*.ts)`);
  return files.map((f) => join(here, f));
}

/**
 * Milliseconds per call of fn over about budgetMs (at least minIters calls): the median wall
 * time (tinybench) and the median CPU time of this process (process.cpuUsage around each call).
 * CPU time is what the table reports: on a shared machine, wall time also counts the slices
 * other processes take, CPU time does not (the kernels are single-threaded and allocate nothing).
 */
async function measure(fn: () => void, budgetMs: number, minIters: number, warmups: number): Promise<{ wall: number; cpu: number }> {
  const cpu: number[] = [];
  const timed = () => {
    const c0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c0);
    cpu.push((d.user + d.system) / 1000);
  };
  // Warm-up calls also let V8 tier the wasm functions up from its baseline compiler.
  const bench = new Bench({ time: budgetMs, iterations: minIters, warmup: true, warmupIterations: warmups, warmupTime: 0 });
  bench.add('case', timed);
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`benchmark ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
  const measured = cpu.slice(cpu.length - r.latency.samplesCount).sort((x, y) => x - y);
  return { wall: r.latency.p50, cpu: measured[measured.length >> 1] };
}

async function runCases(suite: string, cases: BenchCase[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of cases) {
    if (filter && !`${c.name} ${c.shape}`.includes(filter)) continue;
    const row: Row = { suite, name: c.name, shape: c.shape, unit: c.unit ?? 'GFLOP/s' };
    for (const backend of ['simd', 'scalar'] as KernelBackend[]) {
      if (backend === 'scalar' && c.scalar === false) continue;
      setBackend(backend);
      const { run, dispose } = c.setup();
      try {
        const t = await measure(run, backend === 'simd' ? (quick ? 150 : 500) : (quick ? 0 : 200), backend === 'simd' ? 3 : 2, backend === 'simd' ? 3 : 1);
        const rate = (ms: number) => c.flops / ms / 1e6;
        if (backend === 'simd') { row.simd = rate(t.cpu); row.simdWall = rate(t.wall); } else { row.scalar = rate(t.cpu); row.scalarWall = rate(t.wall); }
      } finally {
        dispose?.();
        setBackend('simd');
      }
    }
    log(fmtRow(row));
    rows.push(row);
  }
  return rows;
}

/** Rows of a suite that runs itself: grouped by name (+ pass/kind), one column per backend. */
function adoptRows(suite: string, results: Record<string, unknown>[]): Row[] {
  const rows = new Map<string, Row>();
  for (const r of results) {
    const qual = [r.pass, r.kind].filter((q) => typeof q === 'string').join(' ');
    const name = qual ? `${qual}: ${String(r.name)}` : String(r.name);
    const value = Number(r.gflops ?? r.gops);
    const unit = r.gops !== undefined && r.kind !== 'f32' ? 'GOP/s' : 'GFLOP/s';
    const row = rows.get(name) ?? { suite, name, shape: typeof r.shape === 'string' ? r.shape : '', unit };
    if (r.backend === 'scalar') row.scalar = value; else row.simd = value;
    rows.set(name, row);
  }
  return [...rows.values()];
}

const W = { name: 64, shape: 22, num: 9 };
const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(2)).padStart(W.num);
function fmtRow(r: Row): string {
  const ratio = r.simd !== undefined && r.scalar !== undefined ? `${(r.simd / r.scalar).toFixed(1)}x` : '—';
  return `${pad(r.name, W.name)} ${pad(r.shape, W.shape)} ${num(r.simd)} ${num(r.scalar)} ${ratio.padStart(7)} ${num(r.simdWall)}  ${r.unit}`;
}

const f = features();
const header = {
  device: cpus()[0]?.model ?? 'unknown', arch: arch(), platform: platform(), node: process.version,
  simd: f.simd, relaxedSimd: f.relaxedSimd, threads: f.threads, threadsUsed: 1, isa: getIsa(),
};
log(`vidwasm benchmarks | device: ${header.device} (${header.arch}, ${header.platform}) | node ${header.node}`);
log(`wasm SIMD: ${f.simd ? 'yes' : 'no'} | relaxed SIMD: ${f.relaxedSimd ? 'yes' : 'no'} | threads: ${f.threads ? 'available' : 'no'}, used: 1 | kernel ISA variant: ${header.isa}`);
log(`figures: throughput from the median CPU time per call (simd, scalar = the portable scalar twins, ratio = simd/scalar);` +
  ` simd wall = from the median wall time, lower when other processes share the cores${quick ? ' (--quick)' : ''}.` +
  ` Suites with their own runner report their own timing.\n`);
log(`${pad('name', W.name)} ${pad('shape', W.shape)} ${'simd'.padStart(W.num)} ${'scalar'.padStart(W.num)} ${'ratio'.padStart(7)} ${'simd wall'.padStart(W.num)}`);

const all: Row[] = [];
for (const suite of suites) {
  for (const file of suiteFiles(suite)) {
    const name = file.slice(here.length + 1, -3);
    const mod = await import(pathToFileURL(file).href) as Record<string, unknown>;
    if (Array.isArray(mod.cases)) {
      log(`-- ${name}`);
      all.push(...await runCases(name, mod.cases as BenchCase[]));
      continue;
    }
    const runner = Object.entries(mod).find(([k, v]) => /^run\w*Suite$/.test(k) && typeof v === 'function');
    if (!runner) { log(`-- ${name}: exports neither \`cases\` nor run*Suite(), skipped`); continue; }
    log(`-- ${name} (its own runner)`);
    // A self-running suite prints its own lines: keep stdout pure JSON under --json.
    const out = console.log;
    if (json) console.log = console.error;
    let results: Record<string, unknown>[];
    try {
      results = await (runner[1] as (o: object) => Promise<Record<string, unknown>[]>)({ quick, filter });
    } finally { console.log = out; }
    const rows = adoptRows(name, results);
    for (const r of rows) log(fmtRow(r));
    all.push(...rows);
  }
}
if (json) console.log(JSON.stringify({ ...header, rows: all }, null, 2));
