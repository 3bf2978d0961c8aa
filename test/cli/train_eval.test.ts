// `vidwasm train` and `vidwasm eval` on generated mp4 lists (datasets + DataLoader + Trainer),
// and the bad inputs they must refuse with one line and a non-zero exit: missing files, csv
// rows without an integer label, labels out of range for --num-classes, a checkpoint of another
// model, a head of another size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, makeClips, writeCsv, isOneLineError } from './helpers.js';

const dir = tmp('train');
let trainCsv = '', valCsv = '';
const out = join(dir, 'run');
test.before(async () => {
  trainCsv = writeCsv(join(dir, 'train.csv'), await makeClips(join(dir, 'train'), 3, 10));
  valCsv = writeCsv(join(dir, 'val.csv'), await makeClips(join(dir, 'val'), 1, 900));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('train writes resumable checkpoints, the log and curves; eval reads best.pyth', () => {
  let r = cli(['train', '--data', trainCsv, '--val', valCsv, '--model', 'demo', '--num-classes', '4', '--epochs', '2',
    '--batch-size', '4', '--optimizer', 'adamw', '--lr', '0.003', '--out', out]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /12 training videos, 4 validation videos, 2 epochs/);
  assert.match(r.stdout, /trained 6 steps/);
  assert.match(r.stdout, /val top-1 \d+\.\d%/);
  for (const f of ['last.pyth', 'best.pyth', 'train.jsonl', 'curves.svg', 'confusion.svg']) assert.ok(existsSync(join(out, f)), f);
  const epochs = readFileSync(join(out, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((x) => x.type === 'epoch');
  assert.is(epochs.length, 2);
  // running it again with more epochs resumes from last.pyth
  r = cli(['train', '--data', trainCsv, '--model', 'demo', '--num-classes', '4', '--epochs', '3', '--batch-size', '4', '--optimizer', 'adamw', '--out', out]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /trained 9 steps/);
  r = cli(['eval', '--data', valCsv, '--model', 'demo', '--weights', join(out, 'best.pyth'), '--json']);
  assert.is(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.is(m.videos, 4);
  assert.ok(m.top1 >= 0 && m.top1 <= 1 && m.top5 === 1, r.stdout);
});

test('bad input: one line on stderr, non-zero exit, no stack trace', () => {
  const badRows = join(dir, 'bad_rows.csv');
  writeFileSync(badRows, `${join(dir, 'train/right/c0.mp4')} 0\n${join(dir, 'train/left/c1.mp4')} left\n`);
  const range = writeCsv(join(dir, 'range.csv'), [[join(dir, 'train/right/c0.mp4'), 0], [join(dir, 'train/down/c3.mp4'), 3]]);
  const base = ['--model', 'demo', '--num-classes', '4', '--out', join(dir, 'bad')];
  const cases: [string[], number, RegExp][] = [
    [['train', '--data', join(dir, 'missing.csv'), ...base], 1, /cannot read training list .*missing\.csv: no such file/],
    [['train', '--data', badRows, ...base], 1, /bad_rows\.csv line 2: label 'left' is not an integer/],
    [['train', '--data', range, '--model', 'x3d_xs', '--num-classes', '2', '--out', join(dir, 'bad')], 1, /range\.csv row 2: label 3 is out of range for --num-classes 2/],
    [['train', '--data', trainCsv, '--model', 'demo', '--out', join(dir, 'bad')], 2, /--num-classes is required/],
    [['train', '--data', trainCsv, '--model', 'demo', '--num-classes', '5', '--out', join(dir, 'bad')], 1, /--model demo has 4 classes, --num-classes says 5/],
    [['eval', '--data', valCsv, '--model', 'x3d_xs', '--num-classes', '4', '--weights', join(out, 'best.pyth')], 1, /best\.pyth is not a checkpoint of 'x3d_xs'/],
    [['eval', '--data', valCsv, '--model', 'demo', '--weights', join(dir, 'train.csv')], 1, /train\.csv/],
    [['train', '--data', trainCsv, ...base, '--epochs', 'ten'], 2, /--epochs needs an integer >= 1, got 'ten'/],
  ];
  for (const [args, code, re] of cases) {
    const r = cli(args);
    assert.is(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(isOneLineError(r), r.stderr);
    assert.match(r.stderr, re);
  }
});

test.run();
