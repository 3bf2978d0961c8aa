// IMU (Ego4D CSVs) against the real PyTorchVideo's Ego4dImuData on generated recordings with the
// format's quirks (test/golden/gen_imu.py): irregular and duplicated timestamps, a gap, empty
// cells, timestamps running backwards (regenerated at 198 Hz), very short files; windows with
// its bisect rules; then resampling to a fixed rate, and typed errors for broken files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, memoryStats } from '../../ts/node.js';

interface Win {
  start: number; end: number; count: number; sampling_rate: number; timestamp_ends: number[];
  signal_head: number[][]; signal_tail: number[][]; signal_sum: number[];
}
interface Case { name: string; csv: string; sampling_rate: number; n: number; first_ts: number; last_ts: number; windows: Win[] }
const golden = JSON.parse(readFileSync(new URL('../golden/data/imu.json', import.meta.url), 'utf8')) as { cases: Case[] };

const dir = mkdtempSync(join(tmpdir(), 'vidwasm-imu-'));
for (const c of golden.cases) writeFileSync(join(dir, `${c.name}.csv`), c.csv);
writeFileSync(join(dir, 'notes.txt'), 'not a recording');

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('recordings load as PyTorchVideo loads them: rate, timestamps, standardised channels', () => {
  const imu = new data.ImuData(dir);
  for (const c of golden.cases) {
    assert.ok(imu.hasImu(c.name));
    const rec = imu.getImu(c.name);
    assert.is(rec.samplingRate, c.sampling_rate, `${c.name}: rate`);
    assert.is(rec.timestamps.length, c.n);
    close(rec.timestamps[0], c.first_ts, `${c.name}: first ts`);
    close(rec.timestamps[c.n - 1], c.last_ts, `${c.name}: last ts`);
  }
  assert.not.ok(imu.hasImu('missing_uid'));
});

test('windows follow PyTorchVideo: bisect_left bounds, the dropped last sample, empty windows', () => {
  const imu = new data.ImuData(dir);
  const live = memoryStats().liveTensors;
  for (const c of golden.cases) {
    for (const w of c.windows) {
      const s = imu.getImuSample(c.name, w.start, w.end);
      const what = `${c.name} [${w.start}, ${w.end})`;
      assert.is(s.timestamp.length, w.count, `${what}: count`);
      assert.equal(s.signal.shape, [w.count, 6]);
      assert.is(s.samplingRate, w.sampling_rate);
      if (w.count) {
        close(s.timestamp[0], w.timestamp_ends[0], `${what}: first`);
        close(s.timestamp[w.count - 1], w.timestamp_ends[1], `${what}: last`);
        const x = s.signal.toArray() as Float32Array;
        w.signal_head.forEach((row, r) => row.forEach((v, k) => close(x[r * 6 + k], v, `${what}: head ${r},${k}`)));
        w.signal_tail.forEach((row, r) => row.forEach((v, k) => close(x[(w.count - w.signal_tail.length + r) * 6 + k], v, `${what}: tail ${r},${k}`)));
        for (let k = 0; k < 6; k++) {
          let sum = 0;
          for (let r = 0; r < w.count; r++) sum += x[r * 6 + k];
          assert.ok(Math.abs(sum - w.signal_sum[k]) <= 1e-4 * Math.max(1, w.count), `${what}: sum ${k}: ${sum} vs ${w.signal_sum[k]}`);
        }
      }
      s.signal.dispose();
    }
  }
  assert.is(memoryStats().liveTensors, live);
});

test('resampleImu: a fixed-rate [6, M] grid, linear between the real samples', () => {
  const rec = data.parseImuCsv(golden.cases.find((c) => c.name === 'regular_200hz')!.csv);
  // 200 Hz samples every 5 ms from t = 1000 ms: at 400 Hz every other point falls half-way.
  const y = data.resampleImu(rec, 1.0, 1.5, 400);
  assert.equal(y.shape, [6, 200]);
  const v = y.toArray() as Float32Array;
  for (let c = 0; c < 6; c++) {
    for (let j = 0; j < 200; j++) {
      const i = j >> 1;
      const want = j % 2 === 0 ? rec.signal[i * 6 + c] : (rec.signal[i * 6 + c] + rec.signal[(i + 1) * 6 + c]) / 2;
      assert.ok(Math.abs(v[c * 200 + j] - want) < 1e-5, `channel ${c}, point ${j}`);
    }
  }
  y.dispose();
  // Before the first sample and after the last: held.
  const z = data.resampleImu(rec, 0.0, 0.5, 10);
  assert.equal([...(z.toArray() as Float32Array).subarray(0, 5)].map((x) => x.toFixed(5)), Array(5).fill(rec.signal[0].toFixed(5)));
  z.dispose();
});

test('broken files are typed errors naming the file and the place', () => {
  const bad = (text: string, re: RegExp) => {
    try { data.parseImuCsv(text, 'x.csv'); assert.unreachable(); } catch (e) {
      assert.instance(e, data.DatasetFileError);
      assert.match((e as Error).message, re);
    }
  };
  const head = 'canonical_timestamp_ms,accl_x,accl_y,accl_z,gyro_x,gyro_y,gyro_z';
  bad('', /empty/);
  bad(`${head}\n1,0,0,0,0,0,0\n`, /1 sample/);
  bad('canonical_timestamp_ms,accl_x\n1,2\n3,4\n', /no 'accl_y' column/);
  bad(`${head}\n1,0,0,0,0,0,0\n2,0,0,oops,0,0,0\n`, /line 3, column 'accl_z'.*'oops' is not a number/);
  bad(`${head}\n1,0,0,0,0,0,0\n2,0,0,0,0,0\n`, /line 3 has 6 fields/);
  assert.throws(() => new data.ImuData(join(dir, 'nope')), /not found/);
  assert.throws(() => new data.ImuData(dir).getImu('absent'), /no IMU recording for video 'absent'/);
  // Python's float(): inf, nan, exponents, spaces.
  const rec = data.parseImuCsv(`${head}\n1, 1e1 ,nan,inf,0,0,0\n2,2,0,0,0,0,0\n3,3,0,0,0,0,0\n`);
  assert.is(rec.samplingRate, 1000);
  assert.ok(Number.isNaN(rec.signal[1]) && Number.isNaN(rec.signal[2]), 'nan and inf spread as in numpy');
});

test.run();
