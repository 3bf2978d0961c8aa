// `vidwasm eval`: top-1 / top-5 / mAP / loss of a checkpoint on a csv list, with the
// PyTorchVideo val transform at the model's geometry.
import { Trainer } from '../train/trainer.js';
import { parseArgs, need, requireFile } from './args.js';
import { modelSpec, loadModel } from './model.js';
import { readList, videoLoader } from './data.js';
import { bar } from './progress.js';

export const HELP = `usage: vidwasm eval --data LIST.csv --model NAME --weights FILE [--num-classes N] [--batch-size B] [--json]

Evaluates a checkpoint on the videos of a csv list ("<video path> <label>" rows): one centre
clip per video through the val transform (subsample, normalise, short-side scale, centre crop);
prints top-1, top-5, mAP and the mean loss.

options:
  --data FILE          the list (csv)
  --model NAME         a zoo model or 'demo'
  --weights FILE       the checkpoint (e.g. runs/x/best.pyth)
  --num-classes N      classes of the model (default: the checkpoint's classifier, else the zoo's)
  --batch-size B       default 8
  --json               print the metrics as JSON`;

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs('eval', argv, {
    data: { kind: 'string' }, model: { kind: 'string' }, weights: { kind: 'string' }, 'num-classes': { kind: 'int', min: 1 },
    'batch-size': { kind: 'int', min: 1 }, json: { kind: 'flag' }, workers: { kind: 'int', min: 0 },
  });
  const modelName = need('eval', p, 'model');
  modelSpec(modelName, p.opts['num-classes'] as number | undefined); // an unknown model fails first
  const weights = need('eval', p, 'weights');
  const data = need('eval', p, 'data');
  await requireFile(data, 'evaluation list');
  const { net, spec } = await loadModel(modelName, weights, p.opts['num-classes'] as number | undefined);
  try {
    const list = await readList(data, spec.numClasses, 'evaluation');
    const loader = videoLoader(list, spec, { mode: 'val', batchSize: (p.opts['batch-size'] as number | undefined) ?? 8, seed: 0, numWorkers: (p.opts.workers as number | undefined) ?? 0 });
    const trainer = new Trainer({ model: net, loss: 'cross_entropy' });
    const b = bar('eval', loader.length ?? 0, { unit: 'batches' });
    let n = 0;
    const counted = {
      length: loader.length,
      async *[Symbol.asyncIterator]() { for await (const x of loader) { yield x; b.update(++n); } },
    };
    try {
      const r = await trainer.evaluate(counted);
      b.stop();
      const m = { videos: r.numVideos, top1: r.top1, top5: r.top5, mAP: r.mAP, loss: r.loss };
      if (p.opts.json) console.log(JSON.stringify(m));
      else console.log(`${list.length} videos: top-1 ${(r.top1 * 100).toFixed(1)}%, top-5 ${(r.top5 * 100).toFixed(1)}%, mAP ${(r.mAP * 100).toFixed(1)}%, loss ${r.loss.toFixed(4)}`);
      return 0;
    } finally {
      await loader.close();
      trainer.optimizer.dispose();
    }
  } finally {
    net.dispose();
  }
}
