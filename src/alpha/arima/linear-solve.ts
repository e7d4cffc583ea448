/**
 * Gaussian elimination with partial pivoting on a small n x n row-major system A x = b, in place: A is reduced and b
 * becomes x. False when a pivot is below `minPivot` (singular to that tolerance). Hand-written: the systems are tiny
 * (2 x 2 for the default ARMA refit, up to 36 x 36 for a state covariance) and solved in hot loops, where mathjs's
 * lusolve builds its Matrix objects on every call.
 */
export function solveInPlace(A: Float64Array, b: Float64Array, n: number, minPivot: number): boolean {
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[piv * n + c]!)) piv = r;
    if (Math.abs(A[piv * n + c]!) < minPivot) return false;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[piv * n + k]] = [A[piv * n + k]!, A[c * n + k]!];
      [b[c], b[piv]] = [b[piv]!, b[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c]! / A[c * n + c]!;
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k]! -= f * A[c * n + k]!;
      b[r]! -= f * b[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= A[r * n + k]! * b[k]!;
    b[r] = s / A[r * n + r]!;
  }
  return true;
}
