// Transform benchmark (not a test): ms per clip of the Kinetics eval chain on a u8 [3, 8, 240, 320]
// clip — UniformTemporalSubsample(8), ConvertUint8ToFloat, Normalize, ShortSideScale(256),
// CenterCrop(224) — on the SIMD pixel kernels and on their scalar twins, in the same run; plus
// a per-step breakdown and a reordered chain (resize and crop on u8 first, /255 folded into
// mean/std) that gives the same values up to float rounding.
// The eval chain goes through Compose, which fuses ShortSideScale+CenterCrop into one pass.
// Run: npx tsx bench/transforms.ts [--frames=N] [--iters=N]
import { cpus, arch, platform } from 'node:os';
import { Tensor, features, setBackend, manualSeed, type KernelBackend } from '../ts/node.js';
import * as T from '../ts/data/transforms/index.js';

const arg = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const frames = arg('frames', 8), iters = arg('iters', 20);
const F = T.functional;
const mean = [0.45, 0.45, 0.45], std = [0.225, 0.225, 0.225];

manualSeed(0);
const r = Tensor.rand([3, frames, 240, 320], 0, 256);
const clip = Tensor.from(Uint8Array.from(r.toArray(), Math.floor), r.shape, { dtype: 'u8' });
r.dispose();

// CPU time of this process per call (on a shared machine wall time also counts other processes).
function time(fn: () => Tensor): number {
  for (let k = 0; k < 3; k++) fn().dispose();  // warm-up (V8 tiers the wasm up)
  const t: number[] = [];
  for (let k = 0; k < iters; k++) {
    const c0 = process.cpuUsage(); const y = fn(); const d = process.cpuUsage(c0);
    t.push((d.user + d.system) / 1000); y.dispose();
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const chains: Record<string, () => Tensor> = {
  'eval chain (PyTorchVideo order)': () => T.createVideoTransform('val', { numSamples: 8, minSize: 256, cropSize: 224 })(F.crop(clip, 0, 0, 240, 320)),
  'eval chain, resize+crop on u8 first, then normalise': () => {
    const s = F.uniformTemporalSubsample(clip, 8);
    const c = F.shortSideScaleCenterCrop(s, 256, 224); s.dispose();
    const n = F.normalize(c, mean.map((m) => m * 255), std.map((v) => v * 255)); c.dispose();
    return n;
  },
  '  step: subsample 8': () => F.uniformTemporalSubsample(clip, 8),
  '  step: u8 -> f32 (/255)': () => F.convertUint8ToFloat(clip),
  '  step: normalise f32': () => { const f = F.convertUint8ToFloat(clip); const n = F.normalize(f, mean, std); f.dispose(); return n; },
  '  step: short side 256 (bilinear, f32 in)': () => { const f = F.convertUint8ToFloat(clip); const y = F.shortSideScale(f, 256); f.dispose(); return y; },
  '  step: short side 256 (bilinear, u8 in)': () => F.shortSideScale(clip, 256),
  '  step: short side 256 + center crop 224, fused (f32 in)': () => { const f = F.convertUint8ToFloat(clip); const y = F.shortSideScaleCenterCrop(f, 256, 224); f.dispose(); return y; },
  '  step: center crop 224 (f32)': () => { const f = F.convertUint8ToFloat(clip); const y = F.centerCrop(f, 224); f.dispose(); return y; },
  '  step: horizontal flip (f32)': () => { const f = F.convertUint8ToFloat(clip); const y = F.horizontalFlip(f); f.dispose(); return y; },
};

const feat = features();
console.log(`device: ${cpus()[0]?.model ?? 'unknown'} (${platform()}/${arch()}), SIMD ${feat.simd ? 'on' : 'off'}, threads 1`);
console.log(`clip u8 [3, ${frames}, 240, 320], median CPU ms of ${iters} runs; step rows include their setup (u8->f32 where noted)`);
console.log(`${'case'.padEnd(60)} ${'simd ms'.padStart(9)} ${'scalar ms'.padStart(10)} ${'speed-up'.padStart(9)}`);
for (const [name, fn] of Object.entries(chains)) {
  const ms: Record<KernelBackend, number> = { simd: 0, scalar: 0 };
  for (const b of ['simd', 'scalar'] as KernelBackend[]) { setBackend(b); ms[b] = time(fn); }
  setBackend('simd');
  console.log(`${name.padEnd(60)} ${ms.simd.toFixed(2).padStart(9)} ${ms.scalar.toFixed(2).padStart(10)} ${(ms.scalar / ms.simd).toFixed(2).padStart(8)}x`);
}
clip.dispose();
