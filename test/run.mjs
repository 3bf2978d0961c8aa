#!/usr/bin/env node
// Runs every test file (test/**/*.test.ts) in its own Node process with uvu, then prints the
// one line CI reads: "N passed, N failed". A file that crashes counts as failed.
// Usage: node test/run.mjs [filter...]   (filters match file paths)
import { spawn } from 'node:child_process';
import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { uvuCounts } from './uvu_counts.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = find(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let passed = 0, failed = 0, skipped = 0;
// Every test process writes its temporary files (media, checkpoints, browser profiles) under
// one folder for this run, shared so generated media is reused, and removed at the end.
const runTmp = mkdtempSync(join(tmpdir(), 'vidwasm-tests-'));
const failures = [];

function runFile(file) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env: { ...process.env, FORCE_COLOR: '0', TMPDIR: runTmp } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => {
      const { total, ok, skip, bad } = uvuCounts(out);
      const rel = relative(root, file);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (Number.isNaN(total)) {
        failed += 1;
        failures.push(rel);
        console.log(`✗ ${rel} crashed (exit ${code}, ${secs}s)\n${out.split('\n').slice(-30).join('\n')}`);
      } else {
        passed += ok; failed += bad; skipped += skip;
        if (bad > 0 || code !== 0) {
          if (bad === 0) failed += 1;
          failures.push(rel);
          console.log(`✗ ${rel}: ${ok}/${total} passed (${secs}s)\n${out}`);
        } else console.log(`✓ ${rel}: ${ok} passed${skip ? `, ${skip} skipped` : ''} (${secs}s)`);
      }
      resolve();
    });
  });
}

// Two at a time: the machine has two cores, and browser/WASI tests wait on other processes.
const queue = [...files];
await Promise.all([0, 1].map(async () => { while (queue.length) await runFile(queue.shift()); }));
rmSync(runTmp, { recursive: true, force: true });
if (failures.length) console.log(`\nfailed files:\n  ${failures.join('\n  ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
