// Runs checkpoint fuzz cases in child Node processes (checkpoint_child.ts) under a wall-time and
// a memory bound: a V8 heap cap (--max-old-space-size) and an RSS watch that kills the child past
// a limit. A case that crashes, hangs or balloons its child is reported as such, and the cases
// after it continue in a fresh child.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadLimits } from '../../ts/zoo/index.js';

export interface FuzzCase {
  id: number;
  /** 'data:<file>' (test/data/checkpoints), 'fixtures:<path>' (shared fixtures), 'writer:<file>' (as safetensors), or '' for SHAPES. */
  base: string;
  /** A mutator of checkpoint_mutants.ts (or 'asIs'), or a key of its SHAPES. */
  mutate: string;
  seed: number;
  limits?: ReadLimits;
  /** A successful read must equal the unmutated base's (the zip's CRC-32s protect its data). */
  same?: boolean;
  /** The outcome this case must have, when it is not merely "ok or a typed error". */
  expect?: 'ok' | 'typed';
}

export interface FuzzResult {
  id: number;
  outcome: 'ok' | 'typed' | 'untyped' | 'crash' | 'hang' | 'memory';
  message?: string;
  same?: boolean;
  /** Wasm bytes held by tensors after the case, minus before (0: nothing leaked). */
  leaked?: number;
  ms: number;
  /** Peak RSS of the child while it ran (MiB), from /proc when available. */
  rssMb?: number;
}

export interface Bounds { caseMs: number; startMs: number; heapMb: number; rssMb: number }

const child = new URL('./checkpoint_child.ts', import.meta.url).pathname;

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch { return 0; }
}

/** Runs `cases` in order in one child, respawning after a case that kills it. */
export async function runCases(cases: FuzzCase[], b: Bounds): Promise<FuzzResult[]> {
  const results: FuzzResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vidwasm-fuzz-'));
  try {
    while (results.length < cases.length) {
      const rest = cases.slice(results.length);
      const file = join(dir, `cases_${results.length}.json`);
      writeFileSync(file, JSON.stringify(rest));
      results.push(...await runChild(rest, file, b));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

function runChild(cases: FuzzCase[], file: string, b: Bounds): Promise<FuzzResult[]> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [`--max-old-space-size=${b.heapMb}`, '--import', 'tsx', child, file], { env: { ...process.env, FORCE_COLOR: '0' } });
    const out: FuzzResult[] = [];
    let buf = '', err = '', ready = false, deadline = Date.now() + b.startMs, peak = 0, killed: FuzzResult['outcome'] | null = null, t0 = Date.now();
    const kill = (why: FuzzResult['outcome']) => { if (!killed) { killed = why; p.kill('SIGKILL'); } };
    const watch = setInterval(() => {
      const rss = rssMb(p.pid!);
      peak = Math.max(peak, rss);
      if (rss > b.rssMb) kill('memory');
      else if (Date.now() > deadline) kill('hang');
    }, 50);
    p.stdout.on('data', (d) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.startsWith('{')) continue;
        const msg = JSON.parse(line);
        if (msg.ready) ready = true; else out.push({ ...msg, rssMb: Math.round(peak) });
        deadline = Date.now() + b.caseMs;
        peak = 0;
        t0 = Date.now();
      }
    });
    p.stderr.on('data', (d) => { err = (err + d).slice(-2000); });
    p.on('close', (code, signal) => {
      clearInterval(watch);
      if (!ready) { // nothing ran: every case fails with the reason, rather than one respawn each
        for (const c of cases) out.push({ id: c.id, outcome: 'crash', message: `child did not start: ${err}`, ms: 0 });
      } else if (out.length < cases.length) {
        const outcome = killed ?? 'crash';
        const why = `${outcome} (exit ${code ?? signal}, peak RSS ${Math.round(peak)} MiB): ${err.slice(-500)}`;
        out.push({ id: cases[out.length].id, outcome, message: why, ms: Date.now() - t0, rssMb: Math.round(peak) });
      }
      resolve(out);
    });
  });
}
