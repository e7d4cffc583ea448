;; Kernel of the logistic model's Newton steps (logistic-model.ts): z = A beta, and the gradient A' rw with the lower
;; triangle of the Hessian A' diag(hw) A, each with the sums of the scalar loops it replaced, bit for bit.
;; Hand-written WebAssembly (SIMD, 128-bit) because these sums are the whole cost of a fit (`coce train` fits
;; 161 280 rows x 23 columns several times) and no npm package computes them with a fixed summation order; compiled
;; by wabt's wat2wasm into newton-kernel-wasm.ts (`npm run wasm`, checked by tests/sim/wasm-kernels.test.ts).
;;
;; Every output is one sum, started at +0: z_i = sum over j of beta_j A_ij (j increasing); over the rows i in
;; increasing order, H_jk = sum of (hw_i A_ij) A_ik and g_k = sum of rw_i A_ik, where p_i = 1 / (1 + e_i) for
;; z_i >= 0 and e_i / (1 + e_i) below (e_i = exp(-|z_i|), computed by the caller), rw_i = wy_i (p_i - y_i) and
;; hw_i = (wy_i p_i) (1 - p_i), as the scalar code computed them. The two lanes of an f64x2 always hold two
;; DIFFERENT outputs (z of rows i and i + 1; H_jk and H_j,k+1; p of rows i and i + 1), never two parts of one sum, and
;; each lane sees the scalar code's operations in its order (f64x2.mul, then f64x2.add: two roundings, never a fused
;; multiply-add). Lanes that fall outside the triangle compute entries nobody reads.
;;
;; Memory (imported; byte addresses, all 16-byte aligned): A row-major, `rs` f64 a row (rs = dim rounded up to even,
;; a last column dim zero), the intercept column first, rows padded to an even count; per row z, e, wy, y (f64); beta;
;; a scratch block hx; the sums h.
(module
  (import "env" "memory" (memory 1))

  ;; z_i for rows i < n (n even: a padding row's z is computed and not read). Rows in pairs, one per lane; the pair's
  ;; two rows are loaded two columns at a time and regrouped by column.
  (func (export "linear") (param $a i32) (param $rs i32) (param $n i32) (param $dim i32) (param $beta i32) (param $z i32)
    (local $rowBytes i32) (local $row i32) (local $end i32) (local $j i32) (local $pairs i32) (local $acc v128)
    (local $u v128) (local $v v128)
    (local.set $rowBytes (i32.shl (local.get $rs) (i32.const 3)))
    (local.set $pairs (i32.shl (i32.shr_u (local.get $dim) (i32.const 1)) (i32.const 4)))
    (local.set $row (local.get $a))
    (local.set $end (i32.add (local.get $z) (i32.shl (local.get $n) (i32.const 3))))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $acc (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $pairs)))
            (local.set $u (v128.load (i32.add (local.get $row) (local.get $j))))
            (local.set $v (v128.load (i32.add (i32.add (local.get $row) (local.get $rowBytes)) (local.get $j))))
            ;; column j of both rows, then column j + 1
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (v128.load64_splat (i32.add (local.get $beta) (local.get $j)))
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $v)))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (v128.load64_splat offset=8 (i32.add (local.get $beta) (local.get $j)))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $v)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        ;; an odd last column
        (if (i32.and (local.get $dim) (i32.const 1))
          (then
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.mul (v128.load64_splat (i32.add (local.get $beta) (local.get $j)))
                (v128.load64_lane 1 (i32.add (i32.add (local.get $row) (local.get $rowBytes)) (local.get $j))
                  (v128.load64_zero (i32.add (local.get $row) (local.get $j)))))))))
        (v128.store (local.get $z) (local.get $acc))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $rowBytes) (i32.const 1))))
        (br $rows))))

  ;; One tile of sums over `rows` rows of A: outputs (j, k .. k + 7) and (j + 1, k .. k + 7), where output row j
  ;; multiplies A_ik by hx[i][j] (hw_i A_ij for j < dim, rw_i for j = dim: the gradient). The running sums are loaded
  ;; from h ($h0: address of h[j][k], $h1: of h[j + 1][k]) and stored back. $hx and $ak: addresses of hx[first row][j]
  ;; and A[first row][k]. The eight sums and their operands fit the 16 vector registers of x64, and each loaded
  ;; column pair is used at once (a spilled sum would go through memory on every row).
  (func $tile8 (param $hx i32) (param $hs i32) (param $ak i32) (param $rs i32) (param $rows i32) (param $h0 i32)
    (param $h1 i32)
    (local $hxEnd i32) (local $hxStep i32) (local $aStep i32) (local $x0 v128) (local $x1 v128) (local $ai v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $hxStep (i32.shl (local.get $hs) (i32.const 3)))
    (local.set $aStep (i32.shl (local.get $rs) (i32.const 3)))
    (local.set $hxEnd (i32.add (local.get $hx) (i32.mul (local.get $rows) (local.get $hxStep))))
    (local.set $s0 (v128.load (local.get $h0)))
    (local.set $s1 (v128.load offset=16 (local.get $h0)))
    (local.set $s2 (v128.load offset=32 (local.get $h0)))
    (local.set $s3 (v128.load offset=48 (local.get $h0)))
    (local.set $t0 (v128.load (local.get $h1)))
    (local.set $t1 (v128.load offset=16 (local.get $h1)))
    (local.set $t2 (v128.load offset=32 (local.get $h1)))
    (local.set $t3 (v128.load offset=48 (local.get $h1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $hx) (local.get $hxEnd)))
        (local.set $x0 (v128.load64_splat (local.get $hx)))
        (local.set $x1 (v128.load64_splat offset=8 (local.get $hx)))
        (local.set $ai (v128.load (local.get $ak)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x0) (local.get $ai))))
        (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $x1) (local.get $ai))))
        (local.set $ai (v128.load offset=16 (local.get $ak)))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $x0) (local.get $ai))))
        (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $x1) (local.get $ai))))
        (local.set $ai (v128.load offset=32 (local.get $ak)))
        (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $x0) (local.get $ai))))
        (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $x1) (local.get $ai))))
        (local.set $ai (v128.load offset=48 (local.get $ak)))
        (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $x0) (local.get $ai))))
        (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $x1) (local.get $ai))))
        (local.set $hx (i32.add (local.get $hx) (local.get $hxStep)))
        (local.set $ak (i32.add (local.get $ak) (local.get $aStep)))
        (br $next)))
    (v128.store (local.get $h0) (local.get $s0))
    (v128.store offset=16 (local.get $h0) (local.get $s1))
    (v128.store offset=32 (local.get $h0) (local.get $s2))
    (v128.store offset=48 (local.get $h0) (local.get $s3))
    (v128.store (local.get $h1) (local.get $t0))
    (v128.store offset=16 (local.get $h1) (local.get $t1))
    (v128.store offset=32 (local.get $h1) (local.get $t2))
    (v128.store offset=48 (local.get $h1) (local.get $t3)))

  ;; The same for columns k .. k + 3.
  (func $tile4 (param $hx i32) (param $hs i32) (param $ak i32) (param $rs i32) (param $rows i32) (param $h0 i32)
    (param $h1 i32)
    (local $hxEnd i32) (local $hxStep i32) (local $aStep i32) (local $x0 v128) (local $x1 v128) (local $ai v128)
    (local $s0 v128) (local $s1 v128)
    (local $t0 v128) (local $t1 v128)
    (local.set $hxStep (i32.shl (local.get $hs) (i32.const 3)))
    (local.set $aStep (i32.shl (local.get $rs) (i32.const 3)))
    (local.set $hxEnd (i32.add (local.get $hx) (i32.mul (local.get $rows) (local.get $hxStep))))
    (local.set $s0 (v128.load (local.get $h0)))
    (local.set $s1 (v128.load offset=16 (local.get $h0)))
    (local.set $t0 (v128.load (local.get $h1)))
    (local.set $t1 (v128.load offset=16 (local.get $h1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $hx) (local.get $hxEnd)))
        (local.set $x0 (v128.load64_splat (local.get $hx)))
        (local.set $x1 (v128.load64_splat offset=8 (local.get $hx)))
        (local.set $ai (v128.load (local.get $ak)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x0) (local.get $ai))))
        (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $x1) (local.get $ai))))
        (local.set $ai (v128.load offset=16 (local.get $ak)))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $x0) (local.get $ai))))
        (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $x1) (local.get $ai))))
        (local.set $hx (i32.add (local.get $hx) (local.get $hxStep)))
        (local.set $ak (i32.add (local.get $ak) (local.get $aStep)))
        (br $next)))
    (v128.store (local.get $h0) (local.get $s0))
    (v128.store offset=16 (local.get $h0) (local.get $s1))
    (v128.store (local.get $h1) (local.get $t0))
    (v128.store offset=16 (local.get $h1) (local.get $t1)))

  ;; The same for columns k, k + 1.
  (func $tile2 (param $hx i32) (param $hs i32) (param $ak i32) (param $rs i32) (param $rows i32) (param $h0 i32)
    (param $h1 i32)
    (local $hxEnd i32) (local $hxStep i32) (local $aStep i32) (local $x0 v128) (local $x1 v128) (local $ai v128)
    (local $s0 v128)
    (local $t0 v128)
    (local.set $hxStep (i32.shl (local.get $hs) (i32.const 3)))
    (local.set $aStep (i32.shl (local.get $rs) (i32.const 3)))
    (local.set $hxEnd (i32.add (local.get $hx) (i32.mul (local.get $rows) (local.get $hxStep))))
    (local.set $s0 (v128.load (local.get $h0)))
    (local.set $t0 (v128.load (local.get $h1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $hx) (local.get $hxEnd)))
        (local.set $x0 (v128.load64_splat (local.get $hx)))
        (local.set $x1 (v128.load64_splat offset=8 (local.get $hx)))
        (local.set $ai (v128.load (local.get $ak)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x0) (local.get $ai))))
        (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $x1) (local.get $ai))))
        (local.set $hx (i32.add (local.get $hx) (local.get $hxStep)))
        (local.set $ak (i32.add (local.get $ak) (local.get $aStep)))
        (br $next)))
    (v128.store (local.get $h0) (local.get $s0))
    (v128.store (local.get $h1) (local.get $t0)))

;; The gradient (row dim of h) and the Hessian's lower triangle (rows 0 .. dim - 1, entry (j, k) at h + (j rs + k) 8)
  ;; over rows 0 .. n - 1. h has dim + 2 rows of rs values; hx holds `block` (even) rows of hs = dim + 2 rounded up to
  ;; even values. Rows are taken `block` at a time: their p, hw and rw, then hx, then every tile, while they are in
  ;; cache.
  (func (export "newtonSums") (param $a i32) (param $rs i32) (param $n i32) (param $dim i32) (param $z i32)
    (param $e i32) (param $wy i32) (param $y i32) (param $hx i32) (param $hs i32) (param $block i32) (param $h i32)
    (local $p i32) (local $end i32) (local $i0 i32) (local $rows i32) (local $i i32) (local $j i32) (local $k i32)
    (local $width i32) (local $src i32) (local $dst i32) (local $rowBytes i32) (local $hxRowBytes i32) (local $at i32)
    (local $ev v128) (local $wv v128) (local $pv v128) (local $hwv v128) (local $rwv v128) (local $hwi v128)
    (local $h0 i32) (local $h1 i32) (local $ak i32) (local $hxj i32)
    (local.set $rowBytes (i32.shl (local.get $rs) (i32.const 3)))
    (local.set $hxRowBytes (i32.shl (local.get $hs) (i32.const 3)))
    ;; every sum starts at +0
    (local.set $p (local.get $h))
    (local.set $end (i32.add (local.get $h) (i32.mul (i32.add (local.get $dim) (i32.const 2)) (local.get $rowBytes))))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (v128.const f64x2 0 0))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $zero)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $i0) (local.get $n)))
        (local.set $rows (i32.sub (local.get $n) (local.get $i0)))
        (if (i32.gt_u (local.get $rows) (local.get $block)) (then (local.set $rows (local.get $block))))
        ;; rows in pairs (an odd count's last pair reads the padding row, whose hx no tile reads): p, rw, hw, then
        ;; hx[i][j] = hw_i A_ij (j < dim, two columns a step; an odd dim's last step writes hw_i x 0 into column dim),
        ;; hx[i][dim] = rw_i
        (local.set $i (i32.const 0))
        (block $prepared
          (loop $prepare
            (br_if $prepared (i32.ge_u (local.get $i) (local.get $rows)))
            (local.set $at (i32.shl (i32.add (local.get $i0) (local.get $i)) (i32.const 3)))
            (local.set $ev (v128.load (i32.add (local.get $e) (local.get $at))))
            (local.set $wv (v128.load (i32.add (local.get $wy) (local.get $at))))
            (local.set $pv
              (f64x2.div
                (v128.bitselect (v128.const f64x2 1 1) (local.get $ev)
                  (f64x2.ge (v128.load (i32.add (local.get $z) (local.get $at))) (v128.const f64x2 0 0)))
                (f64x2.add (v128.const f64x2 1 1) (local.get $ev))))
            (local.set $rwv (f64x2.mul (local.get $wv) (f64x2.sub (local.get $pv) (v128.load (i32.add (local.get $y) (local.get $at))))))
            (local.set $hwv (f64x2.mul (f64x2.mul (local.get $wv) (local.get $pv)) (f64x2.sub (v128.const f64x2 1 1) (local.get $pv))))
            (local.set $src (i32.add (local.get $a) (i32.mul (i32.add (local.get $i0) (local.get $i)) (local.get $rowBytes))))
            (local.set $dst (i32.add (local.get $hx) (i32.mul (local.get $i) (local.get $hxRowBytes))))
            ;; row i (lane 0)
            (local.set $hwi (f64x2.splat (f64x2.extract_lane 0 (local.get $hwv))))
            (local.set $j (i32.const 0))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (v128.store (i32.add (local.get $dst) (local.get $j))
                  (f64x2.mul (local.get $hwi) (v128.load (i32.add (local.get $src) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $cols)))
            (f64.store (i32.add (local.get $dst) (i32.shl (local.get $dim) (i32.const 3))) (f64x2.extract_lane 0 (local.get $rwv)))
            ;; row i + 1 (lane 1)
            (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
            (local.set $dst (i32.add (local.get $dst) (local.get $hxRowBytes)))
            (local.set $hwi (f64x2.splat (f64x2.extract_lane 1 (local.get $hwv))))
            (local.set $j (i32.const 0))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (v128.store (i32.add (local.get $dst) (local.get $j))
                  (f64x2.mul (local.get $hwi) (v128.load (i32.add (local.get $src) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $cols)))
            (f64.store (i32.add (local.get $dst) (i32.shl (local.get $dim) (i32.const 3))) (f64x2.extract_lane 1 (local.get $rwv)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $prepare)))
        ;; tiles: output rows j, j + 1 (j even, up to dim) over columns 0 .. min(j + 1, dim - 1), rounded up to even
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jPairs
            (br_if $jDone (i32.gt_u (local.get $j) (local.get $dim)))
            (local.set $width (i32.add (local.get $j) (i32.const 2)))
            (if (i32.gt_u (local.get $width) (local.get $dim))
              (then (local.set $width (i32.and (i32.add (local.get $dim) (i32.const 1)) (i32.const -2)))))
            (local.set $hxj (i32.add (local.get $hx) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $h0 (i32.add (local.get $h) (i32.mul (local.get $j) (local.get $rowBytes))))
            (local.set $h1 (i32.add (local.get $h0) (local.get $rowBytes)))
            (local.set $ak (i32.add (local.get $a) (i32.mul (local.get $i0) (local.get $rowBytes))))
            (local.set $k (i32.const 0))
            (block $wideDone
              (loop $wide
                (br_if $wideDone (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $width)))
                (call $tile8 (local.get $hxj) (local.get $hs) (i32.add (local.get $ak) (i32.shl (local.get $k) (i32.const 3)))
                  (local.get $rs) (local.get $rows)
                  (i32.add (local.get $h0) (i32.shl (local.get $k) (i32.const 3))) (i32.add (local.get $h1) (i32.shl (local.get $k) (i32.const 3))))
                (local.set $k (i32.add (local.get $k) (i32.const 8)))
                (br $wide)))
            (if (i32.le_u (i32.add (local.get $k) (i32.const 4)) (local.get $width))
              (then
                (call $tile4 (local.get $hxj) (local.get $hs) (i32.add (local.get $ak) (i32.shl (local.get $k) (i32.const 3)))
                  (local.get $rs) (local.get $rows)
                  (i32.add (local.get $h0) (i32.shl (local.get $k) (i32.const 3))) (i32.add (local.get $h1) (i32.shl (local.get $k) (i32.const 3))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))))
            (if (i32.lt_u (local.get $k) (local.get $width))
              (then
                (call $tile2 (local.get $hxj) (local.get $hs) (i32.add (local.get $ak) (i32.shl (local.get $k) (i32.const 3)))
                  (local.get $rs) (local.get $rows)
                  (i32.add (local.get $h0) (i32.shl (local.get $k) (i32.const 3))) (i32.add (local.get $h1) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $jPairs)))
        (local.set $i0 (i32.add (local.get $i0) (local.get $rows)))
        (br $blocks))))
)
