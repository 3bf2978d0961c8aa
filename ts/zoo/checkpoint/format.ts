// Which checkpoint format a file is, from its first bytes (never from its name): a torch.save zip,
// a legacy (pre-1.6) torch.save pickle stream, or safetensors.
import { CheckpointError } from '../errors.js';

export type CheckpointFormat = 'torch-zip' | 'torch-legacy' | 'safetensors';

export function sniffFormat(bytes: Uint8Array, source: string): CheckpointFormat {
  const b = bytes;
  // safetensors: a u64 little-endian header length (under 4 GiB), then the JSON header's '{'.
  // Checked first: a header length whose low byte is 0x80 looks like a pickle's PROTO opcode.
  if (b.length >= 9 && b[8] === 0x7b && b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0) return 'safetensors';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))) return 'torch-zip';
  if (b.length >= 2 && b[0] === 0x80 && b[1] >= 2 && b[1] <= 5) return 'torch-legacy';
  if (b.length < 4) throw new CheckpointError(`${source}: file is ${b.length} bytes, too short to be a checkpoint`);
  if (b[0] === 0x1f && b[1] === 0x8b) throw new CheckpointError(`${source}: a gzip file, not a checkpoint`);
  const head = [...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  throw new CheckpointError(`${source}: not a PyTorch or safetensors checkpoint (unknown magic bytes ${head})`);
}
