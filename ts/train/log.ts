// The run's history: one record per optimizer step and per epoch, kept in memory and appended
// to <checkpointDir>/train.jsonl (one JSON object per line), and turned into curve plots.
import { chartsSvg, type Panel } from './svg.js';
import { appendText, readText, writeText } from './fs.js';

export interface StepRecord {
  type: 'step'; epoch: number; step: number; loss: number; lr: number; top1?: number; clipsPerSec?: number; time: number;
}
export interface EpochRecord {
  type: 'epoch'; epoch: number; step: number; trainLoss: number; trainTop1?: number;
  val?: { loss?: number; top1?: number; top5?: number; mAP?: number };
  time: number;
}
export type LogRecord = StepRecord | EpochRecord;

export class RunLog {
  readonly records: LogRecord[] = [];
  constructor(readonly path: string | null) {}

  /** Reloads the records of a previous run, dropping those after `upToStep` (they were redone). */
  async resume(upToStep: number): Promise<void> {
    if (!this.path) return;
    const text = await readText(this.path);
    if (text === null) return;
    const keep: LogRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as LogRecord;
        if (r.step <= upToStep) keep.push(r);
      } catch { /* a line cut by a crash: drop it */ }
    }
    this.records.length = 0;
    this.records.push(...keep);
    await writeText(this.path, keep.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  async add(r: LogRecord): Promise<void> {
    this.records.push(r);
    if (this.path) await appendText(this.path, JSON.stringify(r) + '\n');
  }

  steps(): StepRecord[] { return this.records.filter((r): r is StepRecord => r.type === 'step'); }
  epochs(): EpochRecord[] { return this.records.filter((r): r is EpochRecord => r.type === 'epoch'); }

  /** Loss, accuracy and learning-rate charts (x: optimizer step). */
  curvesSvg(): string {
    const steps = this.steps(), epochs = this.epochs();
    // A moving average keeps the per-step loss readable when batches are noisy.
    const win = Math.max(1, Math.round(steps.length / 50));
    const smooth: [number, number][] = steps.map((s, i) => {
      const a = steps.slice(Math.max(0, i - win + 1), i + 1);
      return [s.step, a.reduce((t, r) => t + r.loss, 0) / a.length];
    });
    // One x range (0 .. last step) for every panel, so the charts line up.
    const xMax = Math.max(1, ...this.records.map((r) => r.step));
    const panels: Panel[] = [
      {
        title: 'Loss', xLabel: 'step', yLabel: 'loss',
        series: [
          { name: 'train (step)', points: steps.map((s) => [s.step, s.loss]), color: '#9ecae1' },
          ...(win > 1 ? [{ name: `train (avg ${win})`, points: smooth, color: '#1f77b4' }] : []),
          { name: 'val', points: epochs.filter((e) => e.val?.loss !== undefined).map((e) => [e.step, e.val!.loss!]), color: '#d62728' },
        ],
      },
      {
        title: 'Accuracy', xLabel: 'step', yLabel: 'top-1 (%)', yMin: 0, yMax: 100,
        series: [
          { name: 'train top-1', points: epochs.filter((e) => e.trainTop1 !== undefined).map((e) => [e.step, 100 * e.trainTop1!]), color: '#1f77b4' },
          { name: 'val top-1', points: epochs.filter((e) => e.val?.top1 !== undefined).map((e) => [e.step, 100 * e.val!.top1!]), color: '#d62728' },
          { name: 'val mAP', points: epochs.filter((e) => e.val?.mAP !== undefined && !Number.isNaN(e.val.mAP)).map((e) => [e.step, 100 * e.val!.mAP!]), color: '#2ca02c', dashed: true },
        ],
      },
      { title: 'Learning rate', xLabel: 'step', yLabel: 'lr', series: [{ name: 'lr', points: steps.map((s) => [s.step, s.lr]), color: '#ff7f0e' }] },
    ];
    return chartsSvg(panels.map((p) => ({ ...p, xMin: 0, xMax })));
  }
}
