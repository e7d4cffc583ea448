;; Covariance kernel of `covariance` (hrp.ts): the dot products of demeaned return rows, with the sums of the scalar
;; loop it replaced, bit for bit. Hand-written WebAssembly (SIMD, 128-bit) because this is the hot path of HRP
;; (90 M multiply-adds for 500 assets x 720 bars) and no npm package computes a covariance with a fixed summation
;; order; compiled by wabt's wat2wasm into covariance-kernel-wasm.ts (`npm run wasm`, checked by
;; tests/sim/wasm-kernels.test.ts).
;;
;; Entry (i, j) is ((s0 + s1) + s2) + s3, divided by t - 1, where s_r sums x_i[k] * x_j[k] over k = r mod 4 for
;; k < t4 (t rounded down to a multiple of 4) in increasing k, and s0 then goes on over the tail k = t4 .. t - 1.
;; The two f64x2 accumulators of an entry hold (s0, s1) and (s2, s3): lanes are partial sums the scalar code kept
;; apart anyway, and every lane sees the same multiplications and additions in the same order (f64x2.mul, then
;; f64x2.add: two roundings, never a fused multiply-add). Four entries (rows i, i + 1 against rows j, j + 1) share
;; their loads.
;;
;; Memory (imported; byte addresses): x, the demeaned rows in pairs (rows 2p and 2p + 1), a pair taking `pairBytes`
;; = 64 x ceil(t / 4) bytes: for each quad k = 4q .. 4q + 3, row 2p's four values then row 2p + 1's (the tail
;; k >= t4 in the last, partial quad). One 64-byte line thus feeds a step of both rows, and a 2 x 2 block reads two
;; lines a step (four separate row streams, 32 bytes a step each: 12 % slower, measured). The n x n output c (f64,
;; row-major) is written on both sides of the diagonal.
(module
  (import "env" "memory" (memory 1))

  ;; One entry from its sums (s0, s1) and (s2, s3), stored at $s: s0 goes on over the tail k = t4 .. t - 1 in order,
  ;; then ((s0 + s1) + s2) + s3 over t - 1. $x and $y point at the two rows' values k = t4 onwards.
  (func $finish (param $s i32) (param $x i32) (param $y i32) (param $tail i32) (param $tm1 f64) (result f64)
    (local $s0 f64)
    (local.set $s0 (f64.load (local.get $s)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $tail)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (local.set $tail (i32.sub (local.get $tail) (i32.const 1)))
        (br $next)))
    (f64.div
      (f64.add (f64.add (f64.add (local.get $s0) (f64.load offset=8 (local.get $s))) (f64.load offset=16 (local.get $s)))
        (f64.load offset=24 (local.get $s)))
      (local.get $tm1)))

  ;; The sums of entries (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1) over the first 4 quads bars, from the row
  ;; pairs at $p (rows i, i + 1) and $q (rows j, j + 1), stored at $s in that order, (s0, s1, s2, s3) each. No call
  ;; follows the loop in this function: with the sums live across calls, V8 spilled them (8 % slower, measured).
  (func $sums (param $p i32) (param $q i32) (param $quads i32) (param $s i32)
    (local $k i32) (local $end i32)
    (local $ac01 v128) (local $ac23 v128) (local $ad01 v128) (local $ad23 v128)
    (local $bc01 v128) (local $bc23 v128) (local $bd01 v128) (local $bd23 v128)
    (local $a01 v128) (local $a23 v128) (local $b01 v128) (local $b23 v128)
    (local $c01 v128) (local $c23 v128) (local $d01 v128) (local $d23 v128)
    (local.set $end (i32.shl (local.get $quads) (i32.const 6)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        ;; lanes (s0, s1) of the four entries, then lanes (s2, s3): each loaded pair is used at once, so the eight
        ;; sums and four operands fit the 16 vector registers of x64 (a spilled sum went through memory on every
        ;; step and doubled the time)
        (local.set $a01 (v128.load (i32.add (local.get $p) (local.get $k))))
        (local.set $c01 (v128.load (i32.add (local.get $q) (local.get $k))))
        (local.set $ac01 (f64x2.add (local.get $ac01) (f64x2.mul (local.get $a01) (local.get $c01))))
        (local.set $d01 (v128.load offset=32 (i32.add (local.get $q) (local.get $k))))
        (local.set $ad01 (f64x2.add (local.get $ad01) (f64x2.mul (local.get $a01) (local.get $d01))))
        (local.set $b01 (v128.load offset=32 (i32.add (local.get $p) (local.get $k))))
        (local.set $bc01 (f64x2.add (local.get $bc01) (f64x2.mul (local.get $b01) (local.get $c01))))
        (local.set $bd01 (f64x2.add (local.get $bd01) (f64x2.mul (local.get $b01) (local.get $d01))))
        (local.set $a23 (v128.load offset=16 (i32.add (local.get $p) (local.get $k))))
        (local.set $c23 (v128.load offset=16 (i32.add (local.get $q) (local.get $k))))
        (local.set $ac23 (f64x2.add (local.get $ac23) (f64x2.mul (local.get $a23) (local.get $c23))))
        (local.set $d23 (v128.load offset=48 (i32.add (local.get $q) (local.get $k))))
        (local.set $ad23 (f64x2.add (local.get $ad23) (f64x2.mul (local.get $a23) (local.get $d23))))
        (local.set $b23 (v128.load offset=48 (i32.add (local.get $p) (local.get $k))))
        (local.set $bc23 (f64x2.add (local.get $bc23) (f64x2.mul (local.get $b23) (local.get $c23))))
        (local.set $bd23 (f64x2.add (local.get $bd23) (f64x2.mul (local.get $b23) (local.get $d23))))
        (local.set $k (i32.add (local.get $k) (i32.const 64)))
        (br $next)))
    (v128.store (local.get $s) (local.get $ac01))
    (v128.store offset=16 (local.get $s) (local.get $ac23))
    (v128.store offset=32 (local.get $s) (local.get $ad01))
    (v128.store offset=48 (local.get $s) (local.get $ad23))
    (v128.store offset=64 (local.get $s) (local.get $bc01))
    (v128.store offset=80 (local.get $s) (local.get $bc23))
    (v128.store offset=96 (local.get $s) (local.get $bd01))
    (v128.store offset=112 (local.get $s) (local.get $bd23)))

  ;; Entries (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1) from the row pairs at $p and $q, with 128 bytes of scratch
  ;; at $s, stored on both sides of the diagonal: $ij is the byte address of out[i][j], $ji that of out[j][i], $pitch
  ;; the bytes of an output row. The tails: row 2p's at $p + 64 quads, row 2p + 1's 32 bytes on.
  (func $block (param $p i32) (param $q i32) (param $quads i32) (param $tail i32) (param $tm1 f64) (param $s i32)
    (param $ij i32) (param $ji i32) (param $pitch i32)
    (local $v f64)
    (call $sums (local.get $p) (local.get $q) (local.get $quads) (local.get $s))
    (local.set $p (i32.add (local.get $p) (i32.shl (local.get $quads) (i32.const 6))))
    (local.set $q (i32.add (local.get $q) (i32.shl (local.get $quads) (i32.const 6))))
    ;; out[i][j], out[j][i]
    (local.set $v (call $finish (local.get $s) (local.get $p) (local.get $q) (local.get $tail) (local.get $tm1)))
    (f64.store (local.get $ij) (local.get $v))
    (f64.store (local.get $ji) (local.get $v))
    ;; out[i][j + 1], out[j + 1][i]
    (local.set $v (call $finish (i32.add (local.get $s) (i32.const 32))
      (local.get $p) (i32.add (local.get $q) (i32.const 32)) (local.get $tail) (local.get $tm1)))
    (f64.store offset=8 (local.get $ij) (local.get $v))
    (f64.store (i32.add (local.get $ji) (local.get $pitch)) (local.get $v))
    ;; out[i + 1][j], out[j][i + 1]
    (local.set $v (call $finish (i32.add (local.get $s) (i32.const 64))
      (i32.add (local.get $p) (i32.const 32)) (local.get $q) (local.get $tail) (local.get $tm1)))
    (f64.store (i32.add (local.get $ij) (local.get $pitch)) (local.get $v))
    (f64.store offset=8 (local.get $ji) (local.get $v))
    ;; out[i + 1][j + 1], out[j + 1][i + 1]
    (local.set $v (call $finish (i32.add (local.get $s) (i32.const 96))
      (i32.add (local.get $p) (i32.const 32)) (i32.add (local.get $q) (i32.const 32)) (local.get $tail) (local.get $tm1)))
    (f64.store offset=8 (i32.add (local.get $ij) (local.get $pitch)) (local.get $v))
    (f64.store offset=8 (i32.add (local.get $ji) (local.get $pitch)) (local.get $v)))

  ;; The whole matrix: n (even) rows of t values in pairs at byte address $x, the n x n output at byte address $out,
  ;; 128 bytes of scratch after it.
  ;; Entries (i, j >= i) in 2 x 2 blocks, columns in panels of $panel rows (even) so that the rows of a panel stay in
  ;; the core's second-level cache while every row pair above them passes.
  (func (export "covariance") (param $x i32) (param $n i32) (param $t i32) (param $out i32) (param $panel i32)
    (local $quads i32) (local $tail i32) (local $tm1 f64) (local $pairBytes i32) (local $pitch i32)
    (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32) (local $pi i32) (local $scratch i32)
    (local.set $quads (i32.shr_u (local.get $t) (i32.const 2)))
    (local.set $tail (i32.and (local.get $t) (i32.const 3)))
    (local.set $tm1 (f64.convert_i32_s (i32.sub (local.get $t) (i32.const 1))))
    (local.set $pairBytes (i32.shl (i32.shr_u (i32.add (local.get $t) (i32.const 3)) (i32.const 2)) (i32.const 6)))
    (local.set $pitch (i32.shl (local.get $n) (i32.const 3)))
    (local.set $scratch (i32.add (local.get $out) (i32.mul (local.get $n) (local.get $pitch))))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $j0) (local.get $n)))
        (local.set $j1 (i32.add (local.get $j0) (local.get $panel)))
        (if (i32.gt_u (local.get $j1) (local.get $n)) (then (local.set $j1 (local.get $n))))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $j1)))
            (local.set $pi (i32.add (local.get $x) (i32.mul (i32.shr_u (local.get $i) (i32.const 1)) (local.get $pairBytes))))
            (local.set $j (select (local.get $i) (local.get $j0) (i32.gt_u (local.get $i) (local.get $j0))))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.ge_u (local.get $j) (local.get $j1)))
                (call $block
                  (local.get $pi)
                  (i32.add (local.get $x) (i32.mul (i32.shr_u (local.get $j) (i32.const 1)) (local.get $pairBytes)))
                  (local.get $quads) (local.get $tail) (local.get $tm1) (local.get $scratch)
                  (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
                  (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $n)) (local.get $i)) (i32.const 3)))
                  (local.get $pitch))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))
                (br $cols)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $rows)))
        (local.set $j0 (local.get $j1))
        (br $panels))))
)
