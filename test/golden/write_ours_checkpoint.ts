// Step 1 of the checkpoint golden values: writes test/data/checkpoints/ours.pyth with vidwasm's
// writer; gen_checkpoint.py (step 2) then checks it with torch.load. Run: npx tsx test/golden/write_ours_checkpoint.ts
import { writeFileSync } from 'node:fs';
import { zoo } from '../../ts/node.js';
import { roundTripContent } from '../helpers/checkpoint_content.js';

const bytes = zoo.serializeTorchFile(roundTripContent());
writeFileSync(new URL('../data/checkpoints/ours.pyth', import.meta.url), bytes);
console.log(`wrote ours.pyth (${bytes.length} bytes)`);
