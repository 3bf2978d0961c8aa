// Media fuzz suite (issue 15): seeded mutants of REAL media files made by native ffmpeg (mp4/H.264,
// webm/VP8, avi/MJPEG, each with audio): byte flips, truncations, garbage bursts, container size
// fields and header fields set to hostile values, cut-out chunks, and the lying headers of
// issue 15. Each case runs in a child process (media_runner.ts) bounded in wall time and RSS and
// must end in a typed VideoDecodeError naming the file or a well-formed clip: never a crash, a
// hang, an untyped error, memory past the budget, or a tensor left allocated. (Wasm memory
// never shrinks: "back to its start" is checked as live tensor bytes back to zero, and the
// memory's growth bounded by the clip budget.) Same seeds, same files, every run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base, BASES, lyingPixelWidth, lyingSampleCount, lyingStts, mutate, readBytes, writeMedia, type BaseName } from './media_mutants.js';
import { runCases, type FuzzCase } from './media_runner.js';

const MUTANTS_PER_BASE = 20;
const BUDGET = 32 * 2 ** 20; // maxClipBytes of every case: the window's 30 real frames of 320x240 are 6.6 MiB
const CASE_MS = 45_000; // wall-time bound per case (the decoder's own limit is 15 s; CI cores are shared)
const MAX_RSS = 1.5 * 2 ** 30;

function cases(): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (name: string, bytes: Uint8Array, ext: string) =>
    out.push({ name, path: writeMedia(`${name.replace(/[^a-z0-9]+/gi, '_')}.${ext}`, bytes), window: [0.4, 1.6], timeoutMs: 15_000, maxClipBytes: BUDGET });
  for (const b of Object.keys(BASES) as BaseName[]) {
    const src = readBytes(base(b));
    add(`${b} intact`, src, b);
    for (let seed = 1; seed <= MUTANTS_PER_BASE; seed++) add(`${b} #${seed}`, mutate(src, seed * 7919 + b.length, b).bytes, b);
  }
  const mp4 = readBytes(base('mp4')), webm = readBytes(base('webm'));
  add('mp4 stts 15360 fps', lyingStts(mp4), 'mp4');
  add('mp4 stsz 2^31-1 samples', lyingSampleCount(mp4, 0x7fffffff), 'mp4');
  add('webm PixelWidth 65535', lyingPixelWidth(webm, 65535), 'webm');
  add('webm PixelWidth 16384', lyingPixelWidth(webm, 16384), 'webm');
  return out;
}

test('media fuzz: every mutant ends in a typed error naming the file or a well-formed clip, within bounds', async () => {
  const list = cases();
  const t0 = performance.now();
  const results = await runCases(list, { caseMs: CASE_MS, maxRssBytes: MAX_RSS });
  const secs = (performance.now() - t0) / 1000;
  const count = (o: string) => results.filter((r) => r?.outcome === o).length;
  const traps = results.filter((r) => r?.outcome === 'typed-error' && /crashed/.test(r.message ?? '')).length;
  const reasons = [...new Set(results.map((r) => (r as { reason?: string })?.reason).filter(Boolean))].join(', ');
  console.log(`  ${list.length} cases in ${secs.toFixed(1)} s: ${count('clip')} clips (${results.filter((r) => (r as { shortRead?: boolean })?.shortRead).length} short reads), ` +
    `${count('typed-error')} typed errors (${reasons}; ${traps} ffmpeg traps caught, core replaced)`);
  const bad: string[] = [];
  list.forEach((c, i) => {
    const r = results[i];
    const why = (m: string) => bad.push(`${c.name} (${c.path}): ${m}`);
    if (!r) return why('no result');
    if (r.outcome !== 'clip' && r.outcome !== 'typed-error') return why(`${r.outcome}: ${r.message}`);
    if (r.leakedBytes !== 0) why(`${r.leakedBytes} bytes of tensors left allocated`);
    if (r.wasmGrowth > 2 * BUDGET + 16 * 2 ** 20) why(`wasm memory grew by ${r.wasmGrowth} bytes`);
    if (r.outcome === 'clip') {
      const [ch, t, h, w] = r.shape!;
      if (ch !== 3 || !(t >= 1) || t * h * w * 3 > BUDGET) why(`malformed clip ${JSON.stringify(r.shape)}`);
    }
  });
  assert.equal(bad, [], `${bad.length} bad outcomes`);
  // The intact files and the lying frame widths decode to the real frames. (The lying stts puts
  // every frame in the first 4 ms, so the window has none by the file's own clock: a typed error.)
  for (const [i, c] of list.entries()) {
    if (!/intact|stts|PixelWidth/.test(c.name)) continue;
    const r = results[i];
    if (/stts/.test(c.name) && r.outcome === 'typed-error') { assert.is(r.reason, 'out-of-range', c.name); continue; }
    assert.is(r.outcome, 'clip', `${c.name}: ${r.outcome === 'clip' ? '' : r.message}`);
    if (r.outcome === 'clip') assert.equal([r.shape![2], r.shape![3]], [240, 320], `${c.name}: the real frame size`);
    if (/intact/.test(c.name) && r.outcome === 'clip') assert.equal([r.shape![1], r.shortRead], [30, false], c.name);
  }
});

test.run();
