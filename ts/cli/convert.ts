// `vidwasm convert IN OUT`: a model checkpoint from one format to the other: the input's format
// is recognised by its content, the output's chosen by OUT's extension: PyTorch (.pyth / .pt /
// .pth, torch.save zip) <-> safetensors.
import type { Tensor } from '../runtime/tensor.js';
import { readCheckpoint, saveCheckpoint, saveSafetensors, type Picklable } from '../zoo/checkpoint/index.js';
import { parseArgs, requireFile, CliError, UsageError } from './args.js';

export const HELP = `usage: vidwasm convert IN OUT [--key NAME]

Converts a model checkpoint. IN may be either format under any name (recognised by content:
torch.save zip or legacy, safetensors); OUT's extension chooses what is written:
  .pyth .pt .pth     PyTorch (torch.save zip; read: the state dict, or its 'model_state' /
                     'state_dict' / 'model' entry; written as {'model_state': state_dict},
                     as PyTorchVideo saves, so torch.load and the zoo read it)
  .safetensors       safetensors (the state dict's tensors, names unchanged)

options:
  --key NAME         read the state dict from this entry of a PyTorch checkpoint`;

type Format = 'torch' | 'safetensors';
function formatOf(path: string): Format {
  const ext = /\.[^./\\]+$/.exec(path)?.[0].toLowerCase();
  if (ext === '.safetensors') return 'safetensors';
  if (ext === '.pyth' || ext === '.pt' || ext === '.pth') return 'torch';
  throw new CliError(`convert: cannot tell the format of '${path}' (use .pyth, .pt, .pth or .safetensors)`);
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('convert', argv, { key: { kind: 'string' } }, 2);
  const [input, output] = p.positionals;
  if (!input || !output) throw new UsageError('convert: give an input and an output file (vidwasm convert in.pyth out.safetensors)');
  const to = formatOf(output);
  await requireFile(input, 'checkpoint');
  const sd: Map<string, Tensor> = await readCheckpoint(input, { key: p.opts.key as string | undefined }); // any format, by content
  try {
    const bytes = to === 'safetensors'
      ? await saveSafetensors(sd, output)
      : await saveCheckpoint(new Map([['model_state', sd as unknown as Map<string, Picklable>]]) as Picklable, output);
    const params = [...sd.values()].reduce((n, t) => n + t.size, 0);
    console.log(`${input} -> ${output}: ${sd.size} tensors, ${params.toLocaleString('en-US')} values, ${(bytes.length / 2 ** 20).toFixed(2)} MiB`);
    return 0;
  } finally {
    for (const t of sd.values()) if (!t.isDisposed) t.dispose();
  }
}
