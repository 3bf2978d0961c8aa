// A small runner for the media fuzz suite: runs decode cases in a child process (media_child.ts)
// and bounds each case in wall time and memory. A case that hangs past `caseMs`, or a child whose
// RSS passes `maxRssBytes`, gets the child killed and the case recorded as such; a child that
// dies (a crash) records its running case too. The remaining cases go on in a fresh child.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FuzzCase {
  name: string;
  path: string;
  window: [number, number];
  timeoutMs: number;
  maxClipBytes: number;
}

export interface CaseEnd {
  end: number;
  outcome: 'clip' | 'typed-error' | 'unnamed-error' | 'untyped-error';
  ms: number;
  wasmGrowth: number;
  leakedBytes: number;
  shape?: number[]; audio?: number | null; shortRead?: boolean; width?: number; height?: number;
  reason?: string; message?: string;
}

export type CaseResult = CaseEnd | { end: number; outcome: 'hang' | 'crash' | 'over-memory'; ms: number; message: string };

export interface RunOptions { caseMs: number; maxRssBytes: number }

const child = fileURLToPath(new URL('./media_child.ts', import.meta.url));

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch { return 0; }
}

/** Runs the cases from index `from` in one child; resolves with the index to resume at (or cases.length). */
function runChild(list: string, cases: FuzzCase[], from: number, o: RunOptions, results: CaseResult[]): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, list, String(from)], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let current = -1, started = 0, buf = '', err = '', settled = false, peakRss = 0;
    const finish = (next: number) => { if (!settled) { settled = true; clearInterval(watch); resolve(next); } };
    const fail = (outcome: 'hang' | 'crash' | 'over-memory', message: string) => {
      if (current >= 0) results[current] = { end: current, outcome, ms: Math.round(performance.now() - started), message };
      p.kill('SIGKILL');
      finish(current >= 0 ? current + 1 : cases.length);
    };
    const watch = setInterval(() => {
      const rss = rssOf(p.pid!);
      peakRss = Math.max(peakRss, rss);
      if (rss > o.maxRssBytes) fail('over-memory', `child RSS ${(rss / 2 ** 20).toFixed(0)} MiB > ${(o.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
      else if (current >= 0 && performance.now() - started > o.caseMs) fail('hang', `no result within ${o.caseMs} ms`);
    }, 50);
    p.stdout.on('data', (d) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: { start?: number; end?: number };
        try { msg = JSON.parse(line); } catch { continue; }
        if (msg.start !== undefined) { current = msg.start; started = performance.now(); }
        if (msg.end !== undefined) { results[msg.end] = msg as CaseEnd; current = -1; }
      }
    });
    p.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
    p.on('exit', (code, signal) => {
      if (settled) return;
      if (current >= 0) return fail('crash', `child exited (${signal ?? code}) during the case: ${err.slice(-600)}`);
      let k = from;
      while (k < cases.length && results[k]) k++;
      finish(k);
    });
  });
}

/** Runs every case, each bounded; returns one result per case, in order. */
export async function runCases(cases: FuzzCase[], o: RunOptions): Promise<CaseResult[]> {
  const list = join(tmpdir(), `vidwasm-media-fuzz-${process.pid}.json`);
  writeFileSync(list, JSON.stringify(cases));
  const results: CaseResult[] = [];
  let next = 0;
  while (next < cases.length) {
    const resume = await runChild(list, cases, next, o, results);
    next = resume > next ? resume : next + 1; // never loop on a child that cannot start
  }
  return results;
}
