// Hand-written SVG plots of a training run: line charts (loss, accuracy, learning rate) and a
// confusion matrix heat map. Plain strings, no plotting library, so they work in every host.

export interface Series { name: string; points: [number, number][]; color: string; dashed?: boolean }
export interface Panel { title: string; xLabel: string; yLabel: string; series: Series[]; xMin?: number; xMax?: number; yMin?: number; yMax?: number; logY?: boolean }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** About `count` round tick values covering [lo, hi] (1, 2, 5 x 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** One chart at (x0, y0) of size w x h: frame, grid, ticks, axis labels, title, lines, legend. */
function panelSvg(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const m = { l: 62, r: 14, t: 30, b: 42 };
  const pw = w - m.l - m.r, ph = h - m.t - m.b;
  const pts = p.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!p.logY || y > 0));
  const out: string[] = [`<g transform="translate(${x0},${y0})">`];
  out.push(`<text x="${m.l}" y="19" font-size="14" font-weight="bold">${esc(p.title)}</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="#fff" stroke="#333"/>`);
  if (pts.length === 0) {
    out.push(`<text x="${m.l + pw / 2}" y="${m.t + ph / 2}" text-anchor="middle" font-size="12" fill="#888">no data</text></g>`);
    return out.join('\n');
  }
  const ty = (v: number) => (p.logY ? Math.log10(v) : v);
  let xlo = p.xMin ?? Math.min(...pts.map((q) => q[0])), xhi = p.xMax ?? Math.max(...pts.map((q) => q[0]));
  let ylo = p.yMin ?? Math.min(...pts.map((q) => ty(q[1]))), yhi = p.yMax ?? Math.max(...pts.map((q) => ty(q[1])));
  if (xhi === xlo) { xlo -= 1; xhi += 1; }
  if (yhi === ylo) { const d = Math.abs(ylo) * 0.1 || 1; ylo -= d; yhi += d; }
  const sx = (x: number) => m.l + ((x - xlo) / (xhi - xlo)) * pw;
  const sy = (y: number) => m.t + ph - ((ty(y) - ylo) / (yhi - ylo)) * ph;
  for (const v of niceTicks(xlo, xhi, 6)) {
    const x = sx(v).toFixed(1);
    out.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ph}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x}" y="${m.t + ph + 15}" text-anchor="middle" font-size="11">${fmtTick(v)}</text>`);
  }
  for (const v of niceTicks(ylo, yhi, 5)) {
    const y = (m.t + ph - ((v - ylo) / (yhi - ylo)) * ph).toFixed(1);
    out.push(`<line x1="${m.l}" y1="${y}" x2="${m.l + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.l - 5}" y="${Number(y) + 4}" text-anchor="end" font-size="11">${fmtTick(p.logY ? 10 ** v : v)}</text>`);
  }
  out.push(`<text x="${m.l + pw / 2}" y="${h - 6}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`);
  out.push(`<text transform="translate(14,${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`);
  // The legend sits in the top margin, right-aligned, so it never hides the curves.
  const shown = p.series.filter((s) => s.points.some(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  let lx = m.l + pw - shown.reduce((t, s) => t + 30 + 6.5 * s.name.length, 0);
  for (const s of shown) {
    out.push(`<line x1="${lx.toFixed(1)}" y1="15" x2="${(lx + 18).toFixed(1)}" y2="15" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    out.push(`<text x="${(lx + 22).toFixed(1)}" y="19" font-size="11">${esc(s.name)}</text>`);
    lx += 30 + 6.5 * s.name.length;
  }
  for (const s of p.series) {
    const ok = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!p.logY || y > 0));
    if (!ok.length) continue;
    const d = ok.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    if (ok.length <= 40) for (const [x, y] of ok) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
  }
  out.push('</g>');
  return out.join('\n');
}

/** Panels stacked vertically in one SVG document. */
export function chartsSvg(panels: Panel[], width = 720, panelHeight = 260): string {
  const h = panels.length * panelHeight;
  const body = panels.map((p, i) => panelSvg(p, 0, i * panelHeight, width, panelHeight)).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fafafa"/>\n${body}\n</svg>\n`;
}

/** Confusion matrix as a heat map: rows are true classes, columns predictions, counts in cells. */
export function confusionSvg(matrix: number[][], classNames?: string[], title = 'Confusion matrix'): string {
  const k = matrix.length;
  const names = classNames ?? matrix.map((_, i) => String(i));
  const cell = Math.max(18, Math.min(56, Math.floor(560 / Math.max(k, 1))));
  const label = Math.min(140, 12 + 7 * Math.max(...names.map((n) => n.length), 1));
  const x0 = label + 30, y0 = 50 + label;
  const w = x0 + k * cell + 20, h = y0 + k * cell + 20;
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${w / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(`<text x="${x0 + (k * cell) / 2}" y="40" text-anchor="middle" font-size="12">predicted</text>`);
  const longest = Math.max(...names.map((n) => n.length), 1);
  out.push(`<text transform="translate(${Math.max(14, x0 - 14 - 6.5 * longest)},${y0 + (k * cell) / 2}) rotate(-90)" text-anchor="middle" font-size="12">true</text>`);
  for (let i = 0; i < k; i++) {
    const total = matrix[i].reduce((a, b) => a + b, 0) || 1;
    const cy = y0 + i * cell;
    out.push(`<text x="${x0 - 5}" y="${cy + cell / 2 + 4}" text-anchor="end" font-size="11">${esc(names[i])}</text>`);
    const cx = x0 + i * cell + cell / 2;
    out.push(`<text transform="translate(${cx + 4},${y0 - 5}) rotate(-60)" font-size="11">${esc(names[i])}</text>`);
    for (let j = 0; j < k; j++) {
      const frac = matrix[i][j] / total;
      // White to blue by the row-normalised fraction; dark cells get white text.
      const c = (v: number) => Math.round(255 - frac * (255 - v));
      out.push(`<rect x="${x0 + j * cell}" y="${cy}" width="${cell}" height="${cell}" fill="rgb(${c(31)},${c(84)},${c(160)})" stroke="#ccc"/>`);
      if (cell >= 18) {
        out.push(`<text x="${x0 + j * cell + cell / 2}" y="${cy + cell / 2 + 4}" text-anchor="middle" font-size="${cell >= 30 ? 12 : 9}" fill="${frac > 0.5 ? '#fff' : '#222'}">${matrix[i][j]}</text>`);
      }
    }
  }
  out.push('</svg>\n');
  return out.join('\n');
}
