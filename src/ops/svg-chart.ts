/**
 * Small inline SVG charts for the review report: no script, no external file, so the HTML works offline and renders
 * the same everywhere. Hand-written on purpose: a charting library would bring JavaScript (and a CDN or a bundle) into
 * a page that only needs two lines and some bars.
 */
const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : v.toPrecision(3));

/** A line chart of one or more series sharing both axes; `fill` shades the area under the first series. */
export function lineChart(id: string, title: string, series: readonly Series[], o: { width?: number; height?: number; fill?: boolean; xLabel: (x: number) => string }): string {
  const w = o.width ?? 860;
  const h = o.height ?? 240;
  const pad = { l: 70, r: 12, t: 28, b: 28 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<figure data-chart="${esc(id)}"><figcaption>${esc(title)}</figcaption><p>no data</p></figure>`;
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (w - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - (y - y0) / (y1 - y0)) * (h - pad.t - pad.b);
  const paths = series.map((s, i) => {
    const d = s.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join('');
    const area = o.fill && i === 0 && s.points.length > 0 ? `<path d="${d}L${sx(s.points.at(-1)!.x).toFixed(1)},${sy(y1).toFixed(1)}L${sx(s.points[0]!.x).toFixed(1)},${sy(y1).toFixed(1)}Z" fill="${s.color}" fill-opacity="0.15" stroke="none"/>` : '';
    return `${area}<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5" data-series="${esc(s.name)}" data-points="${s.points.length}"/>`;
  });
  const ticks = [y0, (y0 + y1) / 2, y1].map((v) => `<text x="${pad.l - 6}" y="${sy(v).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${esc(fmt(v))}</text>`);
  const legend = series.map((s, i) => `<text x="${pad.l + 160 * i}" y="16" fill="${s.color}">${esc(s.name)}</text>`);
  return `<figure data-chart="${esc(id)}"><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">
<rect x="${pad.l}" y="${pad.t}" width="${w - pad.l - pad.r}" height="${h - pad.t - pad.b}" fill="none" stroke="#ccc"/>${ticks.join('')}${legend.join('')}
<text x="${pad.l}" y="${h - 8}">${esc(o.xLabel(x0))}</text><text x="${w - pad.r}" y="${h - 8}" text-anchor="end">${esc(o.xLabel(x1))}</text>
${paths.join('\n')}</svg></figure>`;
}

/** Horizontal bars of percentages, one row each. */
export function barChart(id: string, title: string, bars: readonly { label: string; valuePct: number }[]): string {
  const w = 860;
  const row = 22;
  const h = 20 + row * Math.max(1, bars.length);
  const max = Math.max(1e-12, ...bars.map((b) => b.valuePct));
  const items = bars.map((b, i) => {
    const bw = (b.valuePct / max) * (w - 260);
    return `<text x="150" y="${20 + i * row + 14}" text-anchor="end">${esc(b.label)}</text><rect x="160" y="${20 + i * row + 3}" width="${bw.toFixed(1)}" height="${row - 6}" fill="#4c78a8" data-bar="${esc(b.label)}"/><text x="${(166 + bw).toFixed(1)}" y="${20 + i * row + 14}">${b.valuePct.toFixed(2)} %</text>`;
  });
  return `<figure data-chart="${esc(id)}"><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">${items.join('') || '<text x="10" y="30">nothing held</text>'}</svg></figure>`;
}

export { esc };
