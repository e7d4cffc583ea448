/**
 * Maps unconstrained reals to the coefficients of a stationary AR polynomial (Monahan 1984): each real becomes a
 * partial autocorrelation tanh(u) in (-1, 1), and the Durbin-Levinson recursion turns those into coefficients. The
 * optimiser then searches freely and every candidate is stationary (AR) or invertible (MA, with a sign flip).
 */
export function pacfToCoefficients(u: readonly number[]): number[] {
  const phi: number[] = [];
  for (let k = 0; k < u.length; k++) {
    const r = Math.tanh(u[k]!);
    const prev = phi.slice();
    for (let j = 0; j < k; j++) phi[j] = prev[j]! - r * prev[k - 1 - j]!;
    phi[k] = r;
  }
  return phi;
}

/** Inverse of pacfToCoefficients for stationary coefficients; partial autocorrelations are clipped to +-0.99. */
export function coefficientsToPacf(phi: readonly number[]): number[] {
  let cur = phi.slice();
  const u: number[] = new Array<number>(phi.length).fill(0);
  for (let k = phi.length - 1; k >= 0; k--) {
    const r = Math.max(-0.99, Math.min(0.99, cur[k]!));
    u[k] = Math.atanh(r);
    const next: number[] = [];
    for (let j = 0; j < k; j++) next[j] = (cur[j]! + r * cur[k - 1 - j]!) / (1 - r * r);
    cur = next;
  }
  return u;
}

/** True when the AR polynomial with these coefficients is stationary: coefficientsToPacf's recursion, unclipped, finds every partial autocorrelation inside (-1, 1). */
export function isStationary(phi: readonly number[]): boolean {
  let cur = phi.slice();
  for (let k = cur.length - 1; k >= 0; k--) {
    const r = cur[k]!;
    if (!(Math.abs(r) < 1)) return false;
    const next: number[] = [];
    for (let j = 0; j < k; j++) next[j] = (cur[j]! + r * cur[k - 1 - j]!) / (1 - r * r);
    cur = next;
  }
  return true;
}
