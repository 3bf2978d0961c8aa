// Progress bars for the CLI's long steps (cli-progress, on stderr so stdout stays the result).
// Without a terminal (CI, pipes) cli-progress draws nothing; each bar then prints one summary
// line when it stops, so logs still show what happened and how long it took.
import cliProgress from 'cli-progress';

export interface Bar {
  /** Sets the position (and optionally the status text shown after the bar). */
  update(value: number, status?: string): void;
  increment(status?: string): void;
  setTotal(total: number): void;
  /** Stops the bar; `summary` replaces the default "<title>: done in Ns" line. */
  stop(summary?: string): void;
}

let quiet = false;
/** Silences every bar and summary line (tests, --quiet). */
export function setQuiet(q: boolean): void { quiet = q; }

export function bar(title: string, total: number, o: { unit?: string } = {}): Bar {
  const t0 = Date.now();
  const tty = !quiet && Boolean(process.stderr.isTTY);
  const unit = o.unit ?? '';
  let status = '';
  const b = tty ? new cliProgress.SingleBar({
    format: `${title.padEnd(10)} [{bar}] {value}/{total}${unit ? ` ${unit}` : ''} | {duration_formatted} elapsed, eta {eta_formatted} {status}`,
    barCompleteChar: '█', barIncompleteChar: '░', barsize: 24, hideCursor: true, clearOnComplete: true, // the summary line replaces the bar
    etaBuffer: 20, fps: 8, stream: process.stderr,
  }) : null;
  b?.start(total, 0, { status });
  let value = 0;
  return {
    update(v, s) { value = v; if (s !== undefined) status = s; b?.update(v, { status }); },
    increment(s) { value++; if (s !== undefined) status = s; b?.update(value, { status }); },
    setTotal(t) { b?.setTotal(t); },
    stop(summary) {
      b?.stop();
      if (quiet) return;
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      console.error(summary ?? `${title}: ${value}${unit ? ` ${unit}` : ''} in ${secs}s${status ? ` (${status})` : ''}`);
    },
  };
}
