// The browser demo page: a strip of the generated training clips playing (the same renderer as
// `vidwasm demo`, synth.ts, without encoding); Train runs the Trainer on them in the tab
// (train_classify.ts) while loss and held-out accuracy curves and the confusion matrix update;
// a video dropped on the page is classified with its top-k classes as bars, either by the network
// trained here or, in "pretrained X3D-XS" mode, by the zoo's Kinetics-400 X3D-XS, downloaded with
// a progress bar (cached by the Cache API) and run through pipeline('video-classification').
//
// The demo network's frames come from the browser's <video> element, or with decoder 'ffmpeg'
// (page URL ?decoder=ffmpeg) from vidwasm's ffmpeg.wasm decoder (page_frames.ts); the
// pretrained mode always decodes with ffmpeg.wasm, as the pipeline does. `zooBaseUrl` (page URL
// ?zoo=...) replaces the zoo's download root (a mirror; the tests' local server).
//
// The DOM parts touch `document` only when called, so demoPageHtml() also serves from Node
// (`vidwasm serve`); page_main.ts is the bundle entry.
import { pipeline, type VideoClassifier } from '../zoo/pipeline.js';
import { modelInfo } from '../zoo/registry.js';
import { DEMO_CLASSES, DEMO_CLIP, createDemoModel } from './spec.js';
import { renderClip, rgbToClip } from './synth.js';
import { batchSeed, classifyClip, trainDemo, PAGE_TRAINING, type Prediction } from './train_classify.js';
import { framesFromEncodedVideo, framesFromVideo } from './page_frames.js';
import { drawBars, drawConfusion, drawLineChart, playStrip } from './page_charts.js';

export { framesFromVideo, framesFromEncodedVideo } from './page_frames.js';

type Module = ReturnType<typeof createDemoModel>;
export type DemoDecoder = 'video-element' | 'ffmpeg';
export type DemoMode = 'trained' | 'pretrained';
/** The zoo model of the page's pretrained mode. */
export const PRETRAINED_MODEL = 'x3d_xs';

/** What the page exposes (also as globalThis.vidwasmDemo, for tests and the console). */
export interface DemoApi {
  losses: number[];
  /** [step, held-out accuracy] after every evaluation. */
  accuracy: [number, number][];
  confusion: number[][] | null;
  status: string;
  mode: DemoMode;
  prediction: Prediction | null;
  /** The bars shown for the last classified video, best first. */
  topk: { label: string; score: number }[];
  download: { loaded: number; total: number | null } | null;
  train(steps?: number): Promise<number[]>;
  /** Switches the drop zone's classifier; 'pretrained' downloads X3D-XS on first use. */
  setMode(mode: DemoMode): Promise<void>;
  classifyFile(file: Blob): Promise<Prediction>;
  /** The rgb24 frames the demo network would see, by either decoder (for checks and the console). */
  frames(file: Blob, decoder?: DemoDecoder): Promise<Uint8Array>;
}

const TOPK = 5;

/** Builds the demo UI inside `root`. */
export function mountDemo(root: HTMLElement, o: { decoder?: DemoDecoder; zooBaseUrl?: string } = {}): DemoApi {
  const decoder = o.decoder ?? 'video-element';
  const zoo = modelInfo(PRETRAINED_MODEL);
  root.innerHTML = `
    <header><h1>vidwasm: train a video model in this tab</h1>
    <p>A tiny X3D learns which way a shape moves (<b>${DEMO_CLASSES.join(' / ')}</b>) from clips generated in the page,
    on WebAssembly kernels — no server, no GPU. Then drop a video to classify it, with the network trained here or with
    PyTorchVideo's pretrained X3D-XS (Kinetics-400).</p></header>
    <section class="panel"><h2>Training clips <small>(${DEMO_CLIP.frames} frames, ${DEMO_CLIP.size}×${DEMO_CLIP.size}, one second each)</small></h2>
      <div id="clips" class="strip"></div></section>
    <section class="panel"><h2>Train</h2>
      <p><label>steps <input id="steps" type="number" min="1" max="500" value="${PAGE_TRAINING.steps}"></label>
         <button id="train">Train</button> <span id="status">idle</span> <span id="loss"></span></p>
      <div class="charts">
        <svg id="curve" role="img" aria-label="training loss per step"></svg>
        <svg id="accuracy" role="img" aria-label="held-out accuracy per step"></svg>
        <table id="confusion"></table>
      </div></section>
    <section class="panel"><h2>Classify a video</h2>
      <p class="modes"><label><input type="radio" name="mode" value="trained" checked> the network trained above</label>
         <label><input type="radio" name="mode" value="pretrained"> pretrained X3D-XS (Kinetics-400, ${zoo.metrics.top1}% top-1)</label></p>
      <p id="download-row" hidden><progress id="download" max="1" value="0"></progress> <span id="download-text"></span></p>
      <div id="drop">Drop a video here, or <input id="file" type="file" accept="video/*"></div>
      <p>Prediction: <b id="prediction"></b> <small id="decoder">(decoder: ${decoder})</small></p>
      <div id="topk" class="bars"></div></section>`;
  const $ = <T extends Element>(id: string) => root.querySelector(`#${id}`) as T;
  let model: Module | null = null;
  let pretrained: Promise<VideoClassifier> | null = null;

  const api: DemoApi = {
    losses: [], accuracy: [], confusion: null, status: 'idle', mode: 'trained', prediction: null, topk: [], download: null,
    async train(steps?: number) {
      const n = steps ?? (Number(($('steps') as HTMLInputElement).value) || PAGE_TRAINING.steps);
      setStatus('training');
      model?.dispose();
      model = createDemoModel();
      api.losses = []; api.accuracy = []; api.confusion = null;
      drawCharts();
      try {
        const losses = await trainDemo(model, {
          ...PAGE_TRAINING, steps: n, batches: n,
          onStep: (step, loss) => { api.losses.push(loss); drawCharts(); $('loss').textContent = `step ${step}/${n}: loss ${loss.toFixed(4)}`; },
          onEval: (e) => { api.accuracy.push([e.step, e.accuracy]); api.confusion = e.confusion; drawCharts(); },
        });
        setStatus('trained');
        return losses;
      } catch (e) { setStatus(`error: ${(e as Error).message}`); throw e; }
    },
    async setMode(mode: DemoMode) {
      api.mode = mode;
      (root.querySelector(`input[name=mode][value=${mode}]`) as HTMLInputElement).checked = true;
      $('decoder').textContent = `(decoder: ${mode === 'pretrained' ? 'ffmpeg' : decoder})`;
      if (mode === 'pretrained') await loadPretrained();
    },
    frames: (file: Blob, d: DemoDecoder = decoder) => (d === 'ffmpeg' ? framesFromEncodedVideo(file) : framesFromVideo(file)),
    async classifyFile(file: Blob) {
      try {
        let p: Prediction;
        if (api.mode === 'pretrained') {
          const clf = await loadPretrained();
          setStatus('decoding');
          const all = await clf(file, { topk: zoo.numClasses });
          const probs = new Array<number>(all.length);
          for (const q of all) probs[q.index] = q.score;
          p = { label: all[0].label, index: all[0].index, prob: all[0].score, probs };
          api.topk = all.slice(0, TOPK);
        } else {
          if (!model) await api.train();
          setStatus('decoding');
          const rgb = await api.frames(file);
          p = classifyClip(model!, rgbToClip(rgb, DEMO_CLIP.frames, DEMO_CLIP.size));
          api.topk = p.probs.map((score, i) => ({ label: DEMO_CLASSES[i], score })).sort((a, b) => b.score - a.score);
        }
        api.prediction = p;
        $('prediction').textContent = `${p.label} (${(p.prob * 100).toFixed(1)}%)`;
        drawBars($('topk'), api.topk);
        setStatus('classified');
        return p;
      } catch (e) { setStatus(`error: ${(e as Error).message}`); throw e; }
    },
  };

  function loadPretrained(): Promise<VideoClassifier> {
    if (pretrained) return pretrained;
    setStatus('downloading');
    $<HTMLElement>('download-row').hidden = false;
    const text = $('download-text');
    pretrained = pipeline('video-classification', PRETRAINED_MODEL, {
      pretrained: true, baseUrl: o.zooBaseUrl,
      onProgress: (d) => {
        api.download = { loaded: d.loaded, total: d.total };
        const bar = $('download') as HTMLProgressElement;
        if (d.total) { bar.max = d.total; bar.value = d.loaded; }
        const mb = (b: number) => (b / 2 ** 20).toFixed(1);
        text.textContent = `${zoo.checkpoint.file}: ${mb(d.loaded)}${d.total ? ` / ${mb(d.total)}` : ''} MiB, ${mb(d.bytesPerSec)} MiB/s`;
      },
    }).then((clf) => {
      const bar = $('download') as HTMLProgressElement;
      bar.max = 1; bar.value = 1;
      text.textContent = `${zoo.checkpoint.file} ready${api.download ? '' : ' (from the browser cache)'}`;
      setStatus('pretrained ready');
      return clf;
    }, (e: Error) => {
      pretrained = null;
      setStatus(`error: ${e.message}`);
      throw e;
    });
    return pretrained;
  }
  function setStatus(s: string) { api.status = s; $('status').textContent = s; }
  function drawCharts() {
    drawLineChart($<SVGSVGElement>('curve'), { title: 'training loss', xLabel: 'step', yLabel: 'cross-entropy', yMin: 0, color: '#1565c0' },
      api.losses.map((l, i) => [i + 1, l]));
    drawLineChart($<SVGSVGElement>('accuracy'), { title: 'held-out accuracy', xLabel: 'step', yLabel: 'accuracy', yMin: 0, yMax: 1, color: '#2e7d32' },
      api.accuracy);
    drawConfusion($<HTMLTableElement>('confusion'), DEMO_CLASSES, api.confusion);
  }

  const { frames, size, fps } = DEMO_CLIP;
  const first = batchSeed(PAGE_TRAINING.seed, 0);
  playStrip($('clips'), Array.from({ length: 8 }, (_, i) => ({
    rgb: renderClip(i % DEMO_CLASSES.length, first * 1000 + i, { frames, size }), caption: DEMO_CLASSES[i % DEMO_CLASSES.length],
  })), frames, size, fps);
  drawCharts();
  $('train').addEventListener('click', () => { void api.train().catch(() => {}); });
  root.querySelectorAll('input[name=mode]').forEach((r) => r.addEventListener('change', (e) => {
    void api.setMode((e.target as HTMLInputElement).value as DemoMode).catch(() => {});
  }));
  ($('file') as HTMLInputElement).addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void api.classifyFile(f).catch(() => {});
  });
  const drop = $('drop') as HTMLElement;
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = (e as DragEvent).dataTransfer?.files?.[0];
    if (f) void api.classifyFile(f).catch(() => {});
  });
  (globalThis as { vidwasmDemo?: DemoApi }).vidwasmDemo = api;
  return api;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:64em;padding:0 1em;color:#222}
h1{font-size:1.5em;margin:.2em 0} h2{font-size:1.1em;margin:.2em 0 .5em} h2 small{font-weight:normal;color:#666}
.panel{border:1px solid #ddd;border-radius:6px;padding:.8em 1em;margin:1em 0;background:#fff}
.strip{display:flex;gap:.6em;flex-wrap:wrap} .strip figure{margin:0;text-align:center;font-size:.85em}
.strip canvas{width:72px;height:72px;image-rendering:pixelated;border:1px solid #ccc;display:block}
.charts{display:flex;gap:1em;flex-wrap:wrap;align-items:flex-start}
.charts svg{border:1px solid #e3e3e3;background:#fafafa;font-size:11px}
svg .title{font-weight:600;font-size:12px} svg .axis{stroke:#444} svg .grid{stroke:#e2e2e2} svg .tickmark{stroke:#444} svg .tick{fill:#555} svg .axis-label{fill:#333}
#confusion{border-collapse:collapse;font-size:.9em} #confusion caption{font-weight:600;margin-bottom:.3em}
#confusion td,#confusion th{border:1px solid #ccc;padding:.3em .6em;text-align:center;min-width:2.5em} #confusion .corner{font-weight:normal;font-size:.8em;color:#666}
#drop{border:2px dashed #888;padding:1.5em;max-width:40em;text-align:center;border-radius:6px}
.bars{max-width:40em} .bar-row{display:flex;align-items:center;gap:.5em;margin:.25em 0}
.bar-label{width:14em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;text-align:right}
.bar-track{flex:1;background:#eee;height:1em;border-radius:3px} .bar{display:block;height:100%;background:#1565c0;border-radius:3px}
.bar-value{width:4em;font-variant-numeric:tabular-nums} progress{width:20em}
#status{display:inline-block;padding:0 .6em;border-radius:1em;background:#e8eaf6;color:#283593;font-size:.9em;margin-right:.6em}
#loss{color:#555;font-variant-numeric:tabular-nums}`;

/**
 * The demo's static page; `script` is the URL of the bundled entry (page_main.ts), `zooBaseUrl`
 * where its pretrained mode downloads zoo checkpoints (`vidwasm serve` fetches them for it).
 */
export function demoPageHtml(o: { script?: string; title?: string; zooBaseUrl?: string } = {}): string {
  const script = o.script ?? './demo.js', title = o.title ?? 'vidwasm demo';
  return `<!doctype html>
<html lang="en"${o.zooBaseUrl ? ` data-zoo="${esc(o.zooBaseUrl)}"` : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="app">loading vidwasm…</main>
<script type="module" src="${esc(script)}"></script>
</body>
</html>
`;
}
