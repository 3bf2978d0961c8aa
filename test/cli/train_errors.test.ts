// `vidwasm train` refusing what it cannot do with one clear line (issue 15 item 16): --out naming
// an existing file, a failed write under --out (reported as a write, not as "cannot read"), and
// a negative label (not "no label").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, makeClips, writeCsv, isOneLineError } from './helpers.js';

const dir = tmp('train-errors');
let trainCsv = '';
const clip = () => join(dir, 'clips/right/c0.mp4');
test.before(async () => { trainCsv = writeCsv(join(dir, 'train.csv'), await makeClips(join(dir, 'clips'), 1, 5)); });
test.after(() => rmSync(dir, { recursive: true, force: true }));

const train = (csv: string, out: string) => cli(['train', '--data', csv, '--model', 'demo', '--num-classes', '4', '--epochs', '1', '--batch-size', '4', '--out', out]);
function oneLine(r: ReturnType<typeof cli>, re: RegExp): void {
  assert.is(r.status, 1, r.stderr);
  assert.ok(isOneLineError(r), r.stderr);
  assert.match(r.stderr, re);
  assert.not.match(r.stderr, /internal error/);
}

test('--out naming an existing file is one line, not an internal error', () => {
  const file = join(dir, 'a_file');
  writeFileSync(file, 'x');
  oneLine(train(trainCsv, file), /train: --out .*a_file is an existing file, not a folder/);
  oneLine(train(trainCsv, join(file, 'sub')), /train: cannot create the output folder .*a_file\/sub: a file is in the way/);
});

test('a write that fails under --out is reported as a failed write', () => {
  const out = join(dir, 'out_blocked');
  mkdirSync(join(out, 'train.jsonl'), { recursive: true }); // a folder where the log goes
  oneLine(train(trainCsv, out), /train: cannot write .*train\.jsonl: a folder is in the way/);
  const dangling = join(dir, 'out_dangling');
  symlinkSync(join(dir, 'gone', 'deeper'), dangling); // a link to a folder that does not exist
  const r = train(trainCsv, dangling);
  oneLine(r, /train: cannot (create the output folder|write) .*out_dangling/);
  assert.not.match(r.stderr, /cannot read/);
});

test('a negative label is reported as negative; a missing label as missing', () => {
  oneLine(train(writeCsv(join(dir, 'neg.csv'), [[clip(), 0], [clip(), -3]]), join(dir, 'o1')), /neg\.csv row 2: label -3 is negative \(labels are 0\.\.3\)/);
  writeFileSync(join(dir, 'nolabel.csv'), `${clip()} 1\n${clip()}\n`);
  oneLine(train(join(dir, 'nolabel.csv'), join(dir, 'o2')), /nolabel\.csv row 2: no label/);
});

test.run();
