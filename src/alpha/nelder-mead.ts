/**
 * Nelder-Mead simplex minimisation. Hand-written: the npm `fmin` package (0.0.4) does not import under Node's ES
 * modules, and ARIMA fitting calls this per asset and refit (a hot path), so it works on plain arrays without
 * allocation per step. Standard coefficients (reflection 1, expansion 2, contraction 0.5, shrink 0.5).
 */
export interface MinimizeResult {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

export function nelderMead(f: (x: number[]) => number, x0: readonly number[], o: { maxIterations?: number; tolerance?: number; step?: number } = {}): MinimizeResult {
  const n = x0.length;
  const maxIt = o.maxIterations ?? 200 * n;
  const tol = o.tolerance ?? 1e-8;
  const step = o.step ?? 0.1;
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = p[i]! + (p[i] !== 0 ? step * Math.max(1, Math.abs(p[i]!)) : step);
    pts.push(p);
  }
  const fx = pts.map((p) => {
    const v = f(p);
    return Number.isFinite(v) ? v : Infinity;
  });
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Array<number>(n).fill(0);
  const trial = (worst: number[], coef: number) => centroid.map((c, j) => c + coef * (worst[j]! - c));
  const evalAt = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let it = 0;
  for (; it < maxIt; it++) {
    order.sort((a, b) => fx[a]! - fx[b]!);
    const best = order[0]!;
    const worst = order[n]!;
    if (Math.abs(fx[worst]! - fx[best]!) <= tol * (Math.abs(fx[best]!) + tol)) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) centroid[j]! += pts[order[k]!]![j]! / n;
    const xr = trial(pts[worst]!, -1);
    const fr = evalAt(xr);
    if (fr < fx[best]!) {
      const xe = trial(pts[worst]!, -2);
      const fe = evalAt(xe);
      if (fe < fr) {
        pts[worst] = xe;
        fx[worst] = fe;
      } else {
        pts[worst] = xr;
        fx[worst] = fr;
      }
    } else if (fr < fx[order[n - 1]!]!) {
      pts[worst] = xr;
      fx[worst] = fr;
    } else {
      const outside = fr < fx[worst]!;
      const xc = trial(outside ? xr : pts[worst]!, 0.5);
      const fc = evalAt(xc);
      if (fc < (outside ? fr : fx[worst]!)) {
        pts[worst] = xc;
        fx[worst] = fc;
      } else {
        for (let k = 1; k <= n; k++) {
          const idx = order[k]!;
          pts[idx] = pts[idx]!.map((v, j) => pts[best]![j]! + 0.5 * (v - pts[best]![j]!));
          fx[idx] = evalAt(pts[idx]);
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if (fx[i]! < fx[bi]!) bi = i;
  return { x: pts[bi]!, fx: fx[bi]!, iterations: it, converged: it < maxIt };
}
