// The README's Accelerator example runs as written (with 'vidwasm' resolved to this checkout).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReadmeExample } from '../helpers/readme_example.js';

test('README: the Accelerator example runs and prints what it says', async () => {
  const lines = await runReadmeExample('### Accelerator');
  assert.is(lines[0][0], 'max |original - deploy|:');
  assert.ok((lines[0][1] as number) < 1e-4, `deploy form differs by ${lines[0][1]}`);
  assert.is(lines[1][0], 116);
  assert.equal(lines[1][2], { name: 'blocks.0.conv.conv_t', from: 'Conv3d', to: 'Conv3dTemporalKernel1BnAct' });
});

test.run();
