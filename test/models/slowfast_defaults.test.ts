// The SlowFast-family builders at PyTorchVideo's default arguments (full width): every state-dict
// key, in order, with its shape, equals the PyTorch reference's (test/golden/gen_models_slowfast_defaults.py),
// and so does the parameter count (SlowFast-R50: 34,566,488, as published).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { models } from '../../ts/node.js';

const ref = JSON.parse(readFileSync(new URL('../golden/data/models_slowfast_defaults.json', import.meta.url), 'utf8')).builders;
const BUILDERS: Record<string, () => any> = {
  createSlowfast: () => models.createSlowfast(),
  createSlowfastWithRoiHead: () => models.createSlowfastWithRoiHead(),
  createResnetWithRoiHead: () => models.createResnetWithRoiHead(),
  createAudioVisualSlowfast: () => models.createAudioVisualSlowfast(),
};

for (const [name, build] of Object.entries(BUILDERS)) {
  test(`${name}() with defaults: keys, order, shapes and parameter count equal PyTorch's`, () => {
    const net = build();
    try {
      const sd = net.stateDict();
      assert.equal(Object.keys(sd), ref[name].keys, `${name}: keys in order`);
      const shapes = Object.values(sd).map((t: any) => [...t.shape]);
      ref[name].keys.forEach((k: string, i: number) => assert.equal(shapes[i], ref[name].shapes[i], `${name}: shape of ${k}`));
      assert.is(net.numParameters(), ref[name].params, `${name}: parameter count`);
    } finally {
      net.dispose();
    }
  });
}

test.run();
