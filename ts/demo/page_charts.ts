// The demo page's pictures, as plain DOM/SVG (no chart library): line charts with axes, ticks and
// labels, the confusion matrix as a shaded table, top-k bars, and a strip of clips playing on
// canvases. Each takes its element and the numbers, and redraws it whole.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** "Nice" tick values covering [lo, hi] (about n of them). */
function ticks(lo: number, hi: number, n = 4): number[] {
  const span = hi - lo || 1, raw = span / n, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= n) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

export interface LineChart { title: string; xLabel: string; yLabel: string; yMin?: number; yMax?: number; color: string }

/** Draws points [x, y] as a line chart with x/y axes, tick labels, axis labels and a title. */
export function drawLineChart(svg: SVGSVGElement, c: LineChart, points: [number, number][]): void {
  const w = 300, h = 200, m = { l: 46, r: 12, t: 24, b: 38 };
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const x0 = 0, x1 = Math.max(1, ...xs);
  const y0 = c.yMin ?? Math.min(0, ...ys), y1 = c.yMax ?? Math.max(1e-6, ...ys) * 1.05;
  const X = (v: number) => m.l + ((v - x0) / (x1 - x0)) * (w - m.l - m.r);
  const Y = (v: number) => h - m.b - ((v - y0) / (y1 - y0)) * (h - m.t - m.b);
  const fmt = (v: number) => String(Math.abs(v) >= 10 ? Math.round(v) : Number(v.toFixed(2)));
  const xt = ticks(x0, x1).filter((v) => Number.isInteger(v)), yt = ticks(y0, y1);
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  svg.innerHTML = `
    <text class="title" x="${w / 2}" y="15" text-anchor="middle">${esc(c.title)}</text>
    ${yt.map((v) => `<line class="grid" x1="${m.l}" x2="${w - m.r}" y1="${Y(v)}" y2="${Y(v)}"/><text class="tick" x="${m.l - 5}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`).join('')}
    ${xt.map((v) => `<line class="tickmark" x1="${X(v)}" x2="${X(v)}" y1="${h - m.b}" y2="${h - m.b + 4}"/><text class="tick" x="${X(v)}" y="${h - m.b + 15}" text-anchor="middle">${v}</text>`).join('')}
    <line class="axis x-axis" x1="${m.l}" x2="${w - m.r}" y1="${h - m.b}" y2="${h - m.b}"/>
    <line class="axis y-axis" x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${h - m.b}"/>
    <text class="axis-label x-label" x="${(m.l + w - m.r) / 2}" y="${h - 6}" text-anchor="middle">${esc(c.xLabel)}</text>
    <text class="axis-label y-label" transform="translate(12 ${(m.t + h - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>
    <polyline class="line" fill="none" stroke="${c.color}" stroke-width="2" points="${points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>
    ${points.length <= 30 ? points.map(([x, y]) => `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="2.5" fill="${c.color}"/>`).join('') : ''}`;
}

/** The confusion matrix (rows: true class, columns: predicted) as a table shaded by row share. */
export function drawConfusion(table: HTMLTableElement, classes: readonly string[], m: number[][] | null): void {
  const cell = (r: number, c: number) => {
    const n = m?.[r]?.[c] ?? 0, row = m ? m[r].reduce((a, b) => a + b, 0) : 0, share = row ? n / row : 0;
    const bg = r === c ? `rgba(46,125,50,${share})` : `rgba(198,40,40,${share})`;
    return `<td style="background:${bg};color:${share > 0.55 ? '#fff' : '#222'}">${m ? n : '–'}</td>`;
  };
  table.innerHTML = `<caption>confusion matrix (held-out clips)</caption>
    <thead><tr><th class="corner">true ↓ / predicted →</th>${classes.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>
    <tbody>${classes.map((c, r) => `<tr><th>${esc(c)}</th>${classes.map((_, k) => cell(r, k)).join('')}</tr>`).join('')}</tbody>`;
}

/** Horizontal bars: label, a bar as long as the score, the percentage. */
export function drawBars(el: HTMLElement, top: { label: string; score: number }[]): void {
  el.innerHTML = top.map((p) => `<div class="bar-row"><span class="bar-label" title="${esc(p.label)}">${esc(p.label)}</span>`
    + `<span class="bar-track"><span class="bar" style="width:${(p.score * 100).toFixed(1)}%"></span></span>`
    + `<span class="bar-value">${(p.score * 100).toFixed(1)}%</span></div>`).join('');
}

/**
 * Clips (rgb24 frames, frame-major, size x size) playing in a loop on canvases, with captions.
 * Returns a function that stops the animation.
 */
export function playStrip(el: HTMLElement, clips: { rgb: Uint8Array; caption: string }[], frames: number, size: number, fps: number): () => void {
  el.innerHTML = '';
  const draws = clips.map(({ rgb, caption }) => {
    const fig = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const label = document.createElement('figcaption');
    label.textContent = caption;
    fig.append(canvas, label);
    el.append(fig);
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(size, size);
    return (t: number) => {
      const f = rgb.subarray(t * size * size * 3, (t + 1) * size * size * 3);
      for (let p = 0; p < size * size; p++) {
        img.data[p * 4] = f[p * 3]; img.data[p * 4 + 1] = f[p * 3 + 1]; img.data[p * 4 + 2] = f[p * 3 + 2]; img.data[p * 4 + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    };
  });
  let t = 0;
  const tick = () => { draws.forEach((d) => d(t)); t = (t + 1) % frames; };
  tick();
  const timer = setInterval(tick, 1000 / fps);
  return () => clearInterval(timer);
}
