;; fast.enhance's per-pixel work in WebAssembly SIMD (128-bit): the block statistics of the rgb24
;; bytes, the curves that turn the net's heads into P and Q, and the affine slice.
;; kernels.ts lays the buffers out in this module's memory and calls these functions; the
;; arithmetic is the same as block-stats.ts's and affine-slice.ts's reference code, four or
;; sixteen values at a time. Compiled to kernels.wasm at build time (scripts/copy-assets.mjs).
(module
  (memory (export "memory") 1)

;; The column sums of $rows frame rows from $row on ($stride bytes apart; $n bytes each) into
  ;; the i32 lanes at $sum, and the sums of squares at $square: eight columns at a time kept in
  ;; registers over the rows, then stored once; the tail one by one.
  (func $accumulate (param $row i32) (param $rows i32) (param $stride i32) (param $n i32) (param $sum i32) (param $square i32)
    (local $i i32) (local $r i32) (local $at i32) (local $half v128) (local $x i32) (local $s i32) (local $q i32)
    (local $s0 v128) (local $s1 v128) (local $q0 v128) (local $q1 v128)
    (block $done
      (loop $vectors
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $n)))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $q0 (v128.const i32x4 0 0 0 0))
        (local.set $q1 (v128.const i32x4 0 0 0 0))
        (local.set $at (i32.add (local.get $row) (local.get $i)))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $eachRow
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $half (i16x8.extend_low_i8x16_u (v128.load64_zero align=1 (local.get $at))))
            (local.set $s0 (i32x4.add (local.get $s0) (i32x4.extend_low_i16x8_u (local.get $half))))
            (local.set $s1 (i32x4.add (local.get $s1) (i32x4.extend_high_i16x8_u (local.get $half))))
            (local.set $q0 (i32x4.add (local.get $q0) (i32x4.extmul_low_i16x8_u (local.get $half) (local.get $half))))
            (local.set $q1 (i32x4.add (local.get $q1) (i32x4.extmul_high_i16x8_u (local.get $half) (local.get $half))))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $eachRow)))
        (local.set $s (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $q (i32.add (local.get $square) (i32.shl (local.get $i) (i32.const 2))))
        (v128.store align=4 (local.get $s) (local.get $s0))
        (v128.store offset=16 align=4 (local.get $s) (local.get $s1))
        (v128.store align=4 (local.get $q) (local.get $q0))
        (v128.store offset=16 align=4 (local.get $q) (local.get $q1))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $vectors)))
    (block $end
      (loop $tail
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.const 0))
        (local.set $q (i32.const 0))
        (local.set $at (i32.add (local.get $row) (local.get $i)))
        (local.set $r (i32.const 0))
        (block $tailRowsDone
          (loop $tailRows
            (br_if $tailRowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $x (i32.load8_u (local.get $at)))
            (local.set $s (i32.add (local.get $s) (local.get $x)))
            (local.set $q (i32.add (local.get $q) (i32.mul (local.get $x) (local.get $x))))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $tailRows)))
        (i32.store (i32.add (local.get $sum) (i32.shl (local.get $i) (i32.const 2))) (local.get $s))
        (i32.store (i32.add (local.get $square) (i32.shl (local.get $i) (i32.const 2))) (local.get $q))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))

  ;; The down×down block means and standard deviations of an rgb24 frame (block-stats.ts):
  ;; float planes (NCHW, 0..1) of lowHeight×lowWidth at $low and $spread; a block cut by the
  ;; frame's edge averages the pixels it has. $sum and $square: scratch, width·3 i32 each.
  (func (export "blockStats")
    (param $rgb i32) (param $width i32) (param $height i32) (param $down i32)
    (param $lowWidth i32) (param $lowHeight i32)
    (param $sum i32) (param $square i32) (param $low i32) (param $spread i32)
    (local $n i32) (local $by i32) (local $y i32) (local $y1 i32) (local $rows i32)
    (local $bx i32) (local $x0 i32) (local $x1 i32) (local $c i32) (local $k i32)
    (local $s i32) (local $q i32) (local $count f64) (local $mean f64) (local $variance f64)
    (local $perMean f64) (local $perSquare f64)
    (local $at i32) (local $plane i32)
    (local.set $n (i32.mul (local.get $width) (i32.const 3)))
    (local.set $plane (i32.mul (local.get $lowWidth) (local.get $lowHeight)))
    (local.set $by (i32.const 0))
    (block $rowsDone
      (loop $blockRows
        (br_if $rowsDone (i32.ge_u (local.get $by) (local.get $lowHeight)))
        (local.set $y (i32.mul (local.get $by) (local.get $down)))
        (local.set $y1 (select (local.get $height) (i32.add (local.get $y) (local.get $down))
          (i32.gt_u (i32.add (local.get $y) (local.get $down)) (local.get $height))))
        (local.set $rows (i32.sub (local.get $y1) (local.get $y)))
        (call $accumulate (i32.add (local.get $rgb) (i32.mul (local.get $y) (local.get $n))) (local.get $rows) (local.get $n) (local.get $n) (local.get $sum) (local.get $square))
        (local.set $bx (i32.const 0))
        (block $colsDone
          (loop $blockCols
            (br_if $colsDone (i32.ge_u (local.get $bx) (local.get $lowWidth)))
            (local.set $x0 (i32.mul (local.get $bx) (local.get $down)))
            (local.set $x1 (select (local.get $width) (i32.add (local.get $x0) (local.get $down))
              (i32.gt_u (i32.add (local.get $x0) (local.get $down)) (local.get $width))))
            (local.set $count (f64.convert_i32_u (i32.mul (local.get $rows) (i32.sub (local.get $x1) (local.get $x0)))))
            ;; Reciprocals once per block instead of two divisions per channel.
            (local.set $perMean (f64.div (f64.const 1) (f64.mul (local.get $count) (f64.const 255))))
            (local.set $perSquare (f64.div (f64.const 1) (f64.mul (local.get $count) (f64.const 65025))))
            (local.set $c (i32.const 0))
            (block $channelsDone
              (loop $channels
                (br_if $channelsDone (i32.ge_u (local.get $c) (i32.const 3)))
                (local.set $s (i32.const 0))
                (local.set $q (i32.const 0))
                (if (i32.eq (i32.sub (local.get $x1) (local.get $x0)) (i32.const 4))
                  (then ;; a whole block of four pixels: its four lanes of this channel, 12 bytes apart
                    (local.set $at (i32.shl (i32.add (i32.mul (local.get $x0) (i32.const 3)) (local.get $c)) (i32.const 2)))
                    (local.set $k (i32.add (local.get $sum) (local.get $at)))
                    (local.set $s (i32.add (i32.add (i32.load (local.get $k)) (i32.load offset=12 (local.get $k)))
                      (i32.add (i32.load offset=24 (local.get $k)) (i32.load offset=36 (local.get $k)))))
                    (local.set $k (i32.add (local.get $square) (local.get $at)))
                    (local.set $q (i32.add (i32.add (i32.load (local.get $k)) (i32.load offset=12 (local.get $k)))
                      (i32.add (i32.load offset=24 (local.get $k)) (i32.load offset=36 (local.get $k))))))
                  (else
                    (local.set $k (local.get $x0))
                    (block $pixelsDone
                      (loop $pixels
                        (br_if $pixelsDone (i32.ge_u (local.get $k) (local.get $x1)))
                        (local.set $at (i32.shl (i32.add (i32.mul (local.get $k) (i32.const 3)) (local.get $c)) (i32.const 2)))
                        (local.set $s (i32.add (local.get $s) (i32.load (i32.add (local.get $sum) (local.get $at)))))
                        (local.set $q (i32.add (local.get $q) (i32.load (i32.add (local.get $square) (local.get $at)))))
                        (local.set $k (i32.add (local.get $k) (i32.const 1)))
                        (br $pixels)))))
                (local.set $mean (f64.mul (f64.convert_i32_u (local.get $s)) (local.get $perMean)))
                (local.set $variance (f64.sub
                  (f64.mul (f64.convert_i32_u (local.get $q)) (local.get $perSquare))
                  (f64.mul (local.get $mean) (local.get $mean))))
                (local.set $at (i32.shl (i32.add (i32.mul (local.get $c) (local.get $plane))
                  (i32.add (i32.mul (local.get $by) (local.get $lowWidth)) (local.get $bx))) (i32.const 2)))
                (f32.store (i32.add (local.get $low) (local.get $at)) (f32.demote_f64 (local.get $mean)))
                (f32.store (i32.add (local.get $spread) (local.get $at)) (f32.demote_f64
                  (f64.sqrt (f64.add (f64.max (local.get $variance) (f64.const 0)) (f64.const 1e-6)))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $channels)))
            (local.set $bx (i32.add (local.get $bx) (i32.const 1)))
            (br $blockCols)))
        (local.set $by (i32.add (local.get $by) (i32.const 1)))
        (br $blockRows))))

  ;; P and Q from the net's heads (net.py, curve_affine): y = LE⁸(low; a) (y ← y + a·y·(1 − y),
  ;; eight times), gain = y / max(low, 1/255), P = gain·w, Q = gain·(1 − w)·low·255 (code values).
  ;; $low: 3 planes of $count floats; $heads: a for R, G, B then w (4 planes); $maps: P for R, G, B
  ;; then Q (6 planes). Four values at a time, the tail one by one.
  (func (export "curves") (param $low i32) (param $heads i32) (param $maps i32) (param $count i32)
    (local $c i32) (local $i i32) (local $at i32) (local $plane i32) (local $k i32)
    (local $l v128) (local $a v128) (local $w v128) (local $y v128) (local $gain v128) (local $one v128)
    (local $ls f32) (local $as f32) (local $ws f32) (local $ys f32) (local $gs f32)
    (local.set $plane (i32.shl (local.get $count) (i32.const 2)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $channelsDone
      (loop $channels
        (br_if $channelsDone (i32.ge_u (local.get $c) (i32.const 3)))
        (local.set $i (i32.const 0))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $count)))
            (local.set $at (i32.add (i32.mul (local.get $c) (local.get $plane)) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $l (v128.load align=4 (i32.add (local.get $low) (local.get $at))))
            (local.set $a (v128.load align=4 (i32.add (local.get $heads) (local.get $at))))
            (local.set $w (v128.load align=4 (i32.add (local.get $heads)
              (i32.add (i32.mul (i32.const 3) (local.get $plane)) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $y (local.get $l))
            (local.set $k (i32.const 0))
            (block $iterated
              (loop $iterate
                (br_if $iterated (i32.ge_u (local.get $k) (i32.const 8)))
                (local.set $y (f32x4.add (local.get $y)
                  (f32x4.mul (f32x4.mul (local.get $a) (local.get $y)) (f32x4.sub (local.get $one) (local.get $y)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $iterate)))
            (local.set $gain (f32x4.div (local.get $y) (f32x4.max (local.get $l) (f32x4.splat (f32.const 0.003921568859368563)))))
            (v128.store align=4 (i32.add (local.get $maps) (local.get $at)) (f32x4.mul (local.get $gain) (local.get $w)))
            (v128.store align=4 (i32.add (local.get $maps) (i32.add (i32.mul (i32.const 3) (local.get $plane)) (local.get $at)))
              (f32x4.mul (f32x4.mul (f32x4.mul (local.get $gain) (f32x4.sub (local.get $one) (local.get $w))) (local.get $l))
                (f32x4.splat (f32.const 255))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vectors)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $count)))
            (local.set $at (i32.add (i32.mul (local.get $c) (local.get $plane)) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $ls (f32.load (i32.add (local.get $low) (local.get $at))))
            (local.set $as (f32.load (i32.add (local.get $heads) (local.get $at))))
            (local.set $ws (f32.load (i32.add (local.get $heads)
              (i32.add (i32.mul (i32.const 3) (local.get $plane)) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $ys (local.get $ls))
            (local.set $k (i32.const 0))
            (block $iteratedTail
              (loop $iterateTail
                (br_if $iteratedTail (i32.ge_u (local.get $k) (i32.const 8)))
                (local.set $ys (f32.add (local.get $ys)
                  (f32.mul (f32.mul (local.get $as) (local.get $ys)) (f32.sub (f32.const 1) (local.get $ys)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $iterateTail)))
            (local.set $gs (f32.div (local.get $ys) (f32.max (local.get $ls) (f32.const 0.003921568859368563))))
            (f32.store (i32.add (local.get $maps) (local.get $at)) (f32.mul (local.get $gs) (local.get $ws)))
            (f32.store (i32.add (local.get $maps) (i32.add (i32.mul (i32.const 3) (local.get $plane)) (local.get $at)))
              (f32.mul (f32.mul (f32.mul (local.get $gs) (f32.sub (f32.const 1) (local.get $ws))) (local.get $ls)) (f32.const 255)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $channels))))

  ;; Temporal averaging of the still parts of a fixed camera's frame, in place: where the tile of
  ;; $mask (one byte per tile of $tile×$tile pixels, $cols a row) is 0, the running average at
  ;; $average (u16, 8.8 fixed point, one per byte of the frame) moves towards the frame by
  ;; $step/256, and the frame's byte becomes the byte it was on the frame before ($held) unless
  ;; the average moved $hold/256 code values or more away from it, then the average rounded: a
  ;; still pixel's byte does not toggle with the average's rounding, nor follow the recorder's
  ;; one-code block updates. Where the mask is 1 (something changed there) the average and the
  ;; held byte restart from the frame, which is left as it is.
  (func (export "stillAverage")
    (param $rgb i32) (param $average i32) (param $width i32) (param $height i32)
    (param $mask i32) (param $tile i32) (param $cols i32) (param $step i32) (param $held i32) (param $hold i32)
    (local $h v128) (local $hlo v128) (local $hhi v128) (local $near v128) (local $r v128) (local $hs i32)
    (local $n i32) (local $y i32) (local $tx i32) (local $i i32) (local $end i32) (local $line i32)
    (local $changed i32) (local $x v128) (local $lo v128) (local $hi v128) (local $k v128) (local $round v128)
    (local $a0 v128) (local $a1 v128) (local $xs i32) (local $as i32) (local $at i32)
    (local.set $n (i32.mul (local.get $width) (i32.const 3)))
    (local.set $k (i32x4.splat (local.get $step)))
    (local.set $round (i16x8.splat (i32.const 128)))
    (local.set $near (i16x8.splat (local.get $hold)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $line (i32.mul (local.get $y) (local.get $n)))
        (local.set $tx (i32.const 0))
        (block $tilesDone
          (loop $tiles
            (local.set $i (i32.mul (i32.mul (local.get $tx) (local.get $tile)) (i32.const 3)))
            (br_if $tilesDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $end (select (local.get $n) (i32.add (local.get $i) (i32.mul (local.get $tile) (i32.const 3)))
              (i32.gt_u (i32.add (local.get $i) (i32.mul (local.get $tile) (i32.const 3))) (local.get $n))))
            (local.set $changed (i32.load8_u (i32.add (local.get $mask)
              (i32.add (i32.mul (i32.div_u (local.get $y) (local.get $tile)) (local.get $cols)) (local.get $tx)))))
            (block $vectorsDone
              (loop $vectors
                (br_if $vectorsDone (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
                (local.set $at (i32.add (local.get $line) (local.get $i)))
                (local.set $x (v128.load align=1 (i32.add (local.get $rgb) (local.get $at))))
                (local.set $lo (i16x8.shl (i16x8.extend_low_i8x16_u (local.get $x)) (i32.const 8)))
                (local.set $hi (i16x8.shl (i16x8.extend_high_i8x16_u (local.get $x)) (i32.const 8)))
                (if (i32.eqz (local.get $changed))
                  (then
                    (local.set $a0 (v128.load align=2 (i32.add (local.get $average) (i32.shl (local.get $at) (i32.const 1)))))
                    (local.set $a1 (v128.load offset=16 align=2 (i32.add (local.get $average) (i32.shl (local.get $at) (i32.const 1)))))
                    (local.set $lo (call $toward (local.get $a0) (local.get $lo) (local.get $k)))
                    (local.set $hi (call $toward (local.get $a1) (local.get $hi) (local.get $k)))
                    (local.set $r (i8x16.narrow_i16x8_u
                      (i16x8.shr_u (i16x8.add_sat_u (local.get $lo) (local.get $round)) (i32.const 8))
                      (i16x8.shr_u (i16x8.add_sat_u (local.get $hi) (local.get $round)) (i32.const 8))))
                    ;; The held byte stays where the average is within $hold/256 of it.
                    (local.set $h (v128.load align=1 (i32.add (local.get $held) (local.get $at))))
                    (local.set $hlo (i16x8.shl (i16x8.extend_low_i8x16_u (local.get $h)) (i32.const 8)))
                    (local.set $hhi (i16x8.shl (i16x8.extend_high_i8x16_u (local.get $h)) (i32.const 8)))
                    (local.set $x (v128.bitselect (local.get $r) (local.get $h)
                      (i8x16.narrow_i16x8_s
                        (i16x8.ge_u (v128.or (i16x8.sub_sat_u (local.get $lo) (local.get $hlo)) (i16x8.sub_sat_u (local.get $hlo) (local.get $lo))) (local.get $near))
                        (i16x8.ge_u (v128.or (i16x8.sub_sat_u (local.get $hi) (local.get $hhi)) (i16x8.sub_sat_u (local.get $hhi) (local.get $hi))) (local.get $near)))))
                    (v128.store align=1 (i32.add (local.get $rgb) (local.get $at)) (local.get $x))))
                (v128.store align=1 (i32.add (local.get $held) (local.get $at)) (local.get $x))
                (v128.store align=2 (i32.add (local.get $average) (i32.shl (local.get $at) (i32.const 1))) (local.get $lo))
                (v128.store offset=16 align=2 (i32.add (local.get $average) (i32.shl (local.get $at) (i32.const 1))) (local.get $hi))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $vectors)))
            (block $tailDone
              (loop $tail
                (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
                (local.set $at (i32.add (local.get $line) (local.get $i)))
                (local.set $xs (i32.shl (i32.load8_u (i32.add (local.get $rgb) (local.get $at))) (i32.const 8)))
                (if (i32.eqz (local.get $changed))
                  (then
                    (local.set $as (i32.load16_u (i32.add (local.get $average) (i32.shl (local.get $at) (i32.const 1)))))
                    (local.set $xs (i32.add (local.get $as)
                      (i32.shr_s (i32.mul (i32.sub (local.get $xs) (local.get $as)) (local.get $step)) (i32.const 8))))
                    (local.set $hs (i32.load8_u (i32.add (local.get $held) (local.get $at))))
                    (if (i32.ge_s (select (i32.sub (local.get $xs) (i32.shl (local.get $hs) (i32.const 8))) (i32.sub (i32.shl (local.get $hs) (i32.const 8)) (local.get $xs))
                          (i32.ge_s (local.get $xs) (i32.shl (local.get $hs) (i32.const 8)))) (local.get $hold))
                      (then (local.set $hs (i32.shr_u (i32.add (local.get $xs) (i32.const 128)) (i32.const 8)))))
                    (i32.store8 (i32.add (local.get $rgb) (local.get $at)) (local.get $hs))))
                (i32.store8 (i32.add (local.get $held) (local.get $at)) (i32.load8_u (i32.add (local.get $rgb) (local.get $at))))
                (i32.store16 (i32.add (local.get $average) (i32.shl (local.get $at) (i32.const 1))) (local.get $xs))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $tail)))
            (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
            (br $tiles)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows))))

  ;; Eight u16 averages moved toward eight u16 targets by k/256: a + ((t − a)·k >> 8), in i32 lanes.
  (func $toward (param $a v128) (param $t v128) (param $k v128) (result v128)
    (local $a0 v128) (local $a1 v128)
    (local.set $a0 (i32x4.extend_low_i16x8_u (local.get $a)))
    (local.set $a1 (i32x4.extend_high_i16x8_u (local.get $a)))
    (i16x8.narrow_i32x4_u
      (i32x4.add (local.get $a0) (i32x4.shr_s (i32x4.mul (i32x4.sub (i32x4.extend_low_i16x8_u (local.get $t)) (local.get $a0)) (local.get $k)) (i32.const 8)))
      (i32x4.add (local.get $a1) (i32x4.shr_s (i32x4.mul (i32x4.sub (i32x4.extend_high_i16x8_u (local.get $t)) (local.get $a1)) (local.get $k)) (i32.const 8)))))

  ;; The horizontal half of the bilinear upsampling of P and Q (maps: 6 planes of
  ;; lowHeight×lowWidth, P r,g,b then Q r,g,b), for low-resolution rows $from..$to: each becomes
  ;; a full-width row of P and one of Q, interleaved like the pixels (r,g,b per column), at
  ;; $p and $q (lowHeight rows of width·3 floats each). $column: the source column of each output
  ;; column (i32), $weight: the weight of the next one (f32, 0 at the right edge).
  (func (export "widen")
    (param $maps i32) (param $lowWidth i32) (param $lowHeight i32) (param $width i32)
    (param $column i32) (param $weight i32) (param $p i32) (param $q i32) (param $from i32) (param $to i32)
    (local $ly i32) (local $x i32) (local $c i32) (local $plane i32) (local $source i32) (local $next i32)
    (local $w f32) (local $a f32) (local $out i32) (local $k i32)
    (local.set $plane (i32.shl (i32.mul (local.get $lowWidth) (local.get $lowHeight)) (i32.const 2)))
    (local.set $ly (local.get $from))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $ly) (local.get $to)))
        (local.set $out (i32.shl (i32.mul (i32.mul (local.get $ly) (local.get $width)) (i32.const 3)) (i32.const 2)))
        (local.set $x (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $x) (local.get $width)))
            (local.set $source (i32.add (local.get $maps) (i32.shl (i32.add
              (i32.mul (local.get $ly) (local.get $lowWidth))
              (i32.load (i32.add (local.get $column) (i32.shl (local.get $x) (i32.const 2))))) (i32.const 2))))
            (local.set $w (f32.load (i32.add (local.get $weight) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $next (select (i32.const 4) (i32.const 0) (f32.gt (local.get $w) (f32.const 0))))
            (local.set $c (i32.const 0))
            (block $channelsDone
              (loop $channels
                (br_if $channelsDone (i32.ge_u (local.get $c) (i32.const 3)))
                (local.set $k (i32.add (local.get $source) (i32.mul (local.get $c) (local.get $plane))))
                (local.set $a (f32.load (local.get $k)))
                (f32.store (i32.add (local.get $p) (local.get $out))
                  (f32.add (local.get $a) (f32.mul (f32.sub (f32.load (i32.add (local.get $k) (local.get $next))) (local.get $a)) (local.get $w))))
                (local.set $k (i32.add (local.get $k) (i32.mul (local.get $plane) (i32.const 3))))
                (local.set $a (f32.load (local.get $k)))
                (f32.store (i32.add (local.get $q) (local.get $out))
                  (f32.add (local.get $a) (f32.mul (f32.sub (f32.load (i32.add (local.get $k) (local.get $next))) (local.get $a)) (local.get $w))))
                (local.set $out (i32.add (local.get $out) (i32.const 4)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $channels)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $cols)))
        (local.set $ly (i32.add (local.get $ly) (i32.const 1)))
        (br $rows))))

  ;; out = up(P)·x + up(Q) for output rows $from..$to, rounded and clamped to bytes: the vertical
  ;; half of the upsampling between the two widened rows each output row lies between ($rowFrom,
  ;; $rowTo: i32 low-resolution rows, $rowWeight: f32).
  (func (export "slice")
    (param $rgb i32) (param $out i32) (param $width i32) (param $p i32) (param $q i32)
    (param $rowFrom i32) (param $rowTo i32) (param $rowWeight i32) (param $from i32) (param $to i32)
    (local $n i32) (local $y i32) (local $i i32) (local $line i32) (local $a i32) (local $b i32)
    (local $f v128) (local $half v128) (local $top v128) (local $gain v128) (local $offset v128) (local $x v128) (local $at i32)
    (local $fs f32) (local $value f32)
    (local $pa i32) (local $pb i32) (local $qa i32) (local $qb i32) (local $w0 v128) (local $w1 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $half (f32x4.splat (f32.const 0.5)))
    (local.set $n (i32.mul (local.get $width) (i32.const 3)))
    (local.set $y (local.get $from))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $y) (local.get $to)))
        (local.set $line (i32.mul (local.get $y) (local.get $n)))
        (local.set $a (i32.shl (i32.mul (i32.load (i32.add (local.get $rowFrom) (i32.shl (local.get $y) (i32.const 2)))) (local.get $n)) (i32.const 2)))
        (local.set $b (i32.shl (i32.mul (i32.load (i32.add (local.get $rowTo) (i32.shl (local.get $y) (i32.const 2)))) (local.get $n)) (i32.const 2)))
        (local.set $fs (f32.load (i32.add (local.get $rowWeight) (i32.shl (local.get $y) (i32.const 2)))))
        (local.set $f (f32x4.splat (local.get $fs)))
        (local.set $i (i32.const 0))
        ;; Sixteen values an iteration (one load and one store of bytes), then four, then one.
        (block $wideDone
          (loop $wide
            (br_if $wideDone (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
            (local.set $at (i32.shl (local.get $i) (i32.const 2)))
            (local.set $pa (i32.add (local.get $p) (i32.add (local.get $a) (local.get $at))))
            (local.set $pb (i32.add (local.get $p) (i32.add (local.get $b) (local.get $at))))
            (local.set $qa (i32.add (local.get $q) (i32.add (local.get $a) (local.get $at))))
            (local.set $qb (i32.add (local.get $q) (i32.add (local.get $b) (local.get $at))))
            (local.set $x (v128.load align=1 (i32.add (local.get $rgb) (i32.add (local.get $line) (local.get $i)))))
            (local.set $w0 (i16x8.extend_low_i8x16_u (local.get $x)))
            (local.set $w1 (i16x8.extend_high_i8x16_u (local.get $x)))
            (local.set $top (v128.load align=4 (local.get $pa)))
            (local.set $gain (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load align=4 (local.get $pb)) (local.get $top)) (local.get $f))))
            (local.set $top (v128.load align=4 (local.get $qa)))
            (local.set $offset (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load align=4 (local.get $qb)) (local.get $top)) (local.get $f))))
            (local.set $v0 (i32x4.trunc_sat_f32x4_s (f32x4.add (f32x4.add (f32x4.mul (local.get $gain)
              (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $w0)))) (local.get $offset)) (local.get $half))))
            (local.set $top (v128.load offset=16 align=4 (local.get $pa)))
            (local.set $gain (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load offset=16 align=4 (local.get $pb)) (local.get $top)) (local.get $f))))
            (local.set $top (v128.load offset=16 align=4 (local.get $qa)))
            (local.set $offset (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load offset=16 align=4 (local.get $qb)) (local.get $top)) (local.get $f))))
            (local.set $v1 (i32x4.trunc_sat_f32x4_s (f32x4.add (f32x4.add (f32x4.mul (local.get $gain)
              (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $w0)))) (local.get $offset)) (local.get $half))))
            (local.set $top (v128.load offset=32 align=4 (local.get $pa)))
            (local.set $gain (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load offset=32 align=4 (local.get $pb)) (local.get $top)) (local.get $f))))
            (local.set $top (v128.load offset=32 align=4 (local.get $qa)))
            (local.set $offset (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load offset=32 align=4 (local.get $qb)) (local.get $top)) (local.get $f))))
            (local.set $v2 (i32x4.trunc_sat_f32x4_s (f32x4.add (f32x4.add (f32x4.mul (local.get $gain)
              (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (local.get $w1)))) (local.get $offset)) (local.get $half))))
            (local.set $top (v128.load offset=48 align=4 (local.get $pa)))
            (local.set $gain (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load offset=48 align=4 (local.get $pb)) (local.get $top)) (local.get $f))))
            (local.set $top (v128.load offset=48 align=4 (local.get $qa)))
            (local.set $offset (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (v128.load offset=48 align=4 (local.get $qb)) (local.get $top)) (local.get $f))))
            (local.set $v3 (i32x4.trunc_sat_f32x4_s (f32x4.add (f32x4.add (f32x4.mul (local.get $gain)
              (f32x4.convert_i32x4_u (i32x4.extend_high_i16x8_u (local.get $w1)))) (local.get $offset)) (local.get $half))))
            (v128.store align=1 (i32.add (local.get $out) (i32.add (local.get $line) (local.get $i)))
              (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (local.get $v0) (local.get $v1)) (i16x8.narrow_i32x4_s (local.get $v2) (local.get $v3))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $wide)))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
            (local.set $at (i32.shl (local.get $i) (i32.const 2)))
            (local.set $top (v128.load align=4 (i32.add (local.get $p) (i32.add (local.get $a) (local.get $at)))))
            (local.set $gain (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub
              (v128.load align=4 (i32.add (local.get $p) (i32.add (local.get $b) (local.get $at)))) (local.get $top)) (local.get $f))))
            (local.set $top (v128.load align=4 (i32.add (local.get $q) (i32.add (local.get $a) (local.get $at)))))
            (local.set $offset (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub
              (v128.load align=4 (i32.add (local.get $q) (i32.add (local.get $b) (local.get $at)))) (local.get $top)) (local.get $f))))
            (local.set $x (i32x4.trunc_sat_f32x4_s (f32x4.add
              (f32x4.add (f32x4.mul (local.get $gain) (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                (v128.load32_zero align=1 (i32.add (local.get $rgb) (i32.add (local.get $line) (local.get $i)))))))) (local.get $offset))
              (local.get $half))))
            (local.set $x (i16x8.narrow_i32x4_s (local.get $x) (local.get $x)))
            (v128.store32_lane align=1 0 (i32.add (local.get $out) (i32.add (local.get $line) (local.get $i)))
              (i8x16.narrow_i16x8_u (local.get $x) (local.get $x)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vectors)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $value (f32.add
              (f32.mul (call $lerp (local.get $p) (local.get $a) (local.get $b) (local.get $fs) (local.get $i))
                (f32.convert_i32_u (i32.load8_u (i32.add (local.get $rgb) (i32.add (local.get $line) (local.get $i))))))
              (f32.add (call $lerp (local.get $q) (local.get $a) (local.get $b) (local.get $fs) (local.get $i)) (f32.const 0.5))))
            (i32.store8 (i32.add (local.get $out) (i32.add (local.get $line) (local.get $i)))
              (select (i32.const 255) (select (i32.const 0) (i32.trunc_sat_f32_s (local.get $value)) (f32.lt (local.get $value) (f32.const 0)))
                (f32.ge (local.get $value) (f32.const 255))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows))))

  ;; settle.ts's map hysteresis (its reference), for low-resolution pixels $from..$to of $plane:
  ;; step = max over R,G,B of |ΔP·255·low + ΔQ| (Δ: $maps − $held), r = min(1, max($rate,
  ;; step/$big)), held += r·Δ on all six planes, and $maps becomes $held. Four pixels at a time, the
  ;; tail one by one. Returns how many took their fresh maps whole (step ≥ $big).
  (func (export "settle")
    (param $maps i32) (param $held i32) (param $low i32) (param $plane i32) (param $from i32) (param $to i32)
    (param $big f32) (param $rate f32) (result i32)
    (local $i i32) (local $at i32) (local $c i32) (local $bytes i32) (local $count v128)
    (local $step v128) (local $r v128) (local $h v128) (local $d v128) (local $inv v128)
    (local $steps f32) (local $rs f32) (local $hs f32) (local $whole i32)
    (local.set $bytes (i32.shl (local.get $plane) (i32.const 2)))
    (local.set $inv (f32x4.splat (f32.div (f32.const 1) (local.get $big))))
    (local.set $i (local.get $from))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $to)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $step (f32x4.splat (f32.const 0)))
        (local.set $c (i32.const 0))
        (block $moveDone
          (loop $move
            (br_if $moveDone (i32.ge_u (local.get $c) (i32.const 3)))
            (local.set $d (f32x4.abs (f32x4.add
              (f32x4.mul (f32x4.mul
                (f32x4.sub (v128.load align=4 (i32.add (local.get $maps) (local.get $at))) (v128.load align=4 (i32.add (local.get $held) (local.get $at))))
                (v128.load align=4 (i32.add (local.get $low) (local.get $at)))) (f32x4.splat (f32.const 255)))
              (f32x4.sub
                (v128.load align=4 (i32.add (local.get $maps) (i32.add (local.get $at) (i32.mul (local.get $bytes) (i32.const 3)))))
                (v128.load align=4 (i32.add (local.get $held) (i32.add (local.get $at) (i32.mul (local.get $bytes) (i32.const 3)))))))))
            (local.set $step (f32x4.max (local.get $step) (local.get $d)))
            (local.set $at (i32.add (local.get $at) (local.get $bytes)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $move)))
        (local.set $count (i32x4.sub (local.get $count) (f32x4.ge (local.get $step) (f32x4.splat (local.get $big)))))
        (local.set $r (f32x4.min (f32x4.splat (f32.const 1)) (f32x4.max (f32x4.splat (local.get $rate)) (f32x4.mul (local.get $step) (local.get $inv)))))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $c (i32.const 0))
        (block $blendDone
          (loop $blend
            (br_if $blendDone (i32.ge_u (local.get $c) (i32.const 6)))
            (local.set $h (v128.load align=4 (i32.add (local.get $held) (local.get $at))))
            (local.set $h (f32x4.add (local.get $h) (f32x4.mul (local.get $r)
              (f32x4.sub (v128.load align=4 (i32.add (local.get $maps) (local.get $at))) (local.get $h)))))
            (v128.store align=4 (i32.add (local.get $held) (local.get $at)) (local.get $h))
            (v128.store align=4 (i32.add (local.get $maps) (local.get $at)) (local.get $h))
            (local.set $at (i32.add (local.get $at) (local.get $bytes)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $blend)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vectors)))
    (local.set $whole (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
      (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count)))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $steps (f32.const 0))
        (local.set $c (i32.const 0))
        (block $moveTailDone
          (loop $moveTail
            (br_if $moveTailDone (i32.ge_u (local.get $c) (i32.const 3)))
            (local.set $steps (f32.max (local.get $steps) (f32.abs (f32.add
              (f32.mul (f32.mul
                (f32.sub (f32.load (i32.add (local.get $maps) (local.get $at))) (f32.load (i32.add (local.get $held) (local.get $at))))
                (f32.load (i32.add (local.get $low) (local.get $at)))) (f32.const 255))
              (f32.sub
                (f32.load (i32.add (local.get $maps) (i32.add (local.get $at) (i32.mul (local.get $bytes) (i32.const 3)))))
                (f32.load (i32.add (local.get $held) (i32.add (local.get $at) (i32.mul (local.get $bytes) (i32.const 3))))))))))
            (local.set $at (i32.add (local.get $at) (local.get $bytes)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $moveTail)))
        (if (f32.ge (local.get $steps) (local.get $big)) (then (local.set $whole (i32.add (local.get $whole) (i32.const 1)))))
        (local.set $rs (f32.min (f32.const 1) (f32.max (local.get $rate) (f32.div (local.get $steps) (local.get $big)))))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $c (i32.const 0))
        (block $blendTailDone
          (loop $blendTail
            (br_if $blendTailDone (i32.ge_u (local.get $c) (i32.const 6)))
            (local.set $hs (f32.load (i32.add (local.get $held) (local.get $at))))
            (local.set $hs (f32.add (local.get $hs) (f32.mul (local.get $rs) (f32.sub (f32.load (i32.add (local.get $maps) (local.get $at))) (local.get $hs)))))
            (f32.store (i32.add (local.get $held) (local.get $at)) (local.get $hs))
            (f32.store (i32.add (local.get $maps) (local.get $at)) (local.get $hs))
            (local.set $at (i32.add (local.get $at) (local.get $bytes)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $blendTail)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $whole))

  (func $lerp (param $map i32) (param $a i32) (param $b i32) (param $f f32) (param $i i32) (result f32)
    (local $top f32) (local $at i32)
    (local.set $at (i32.shl (local.get $i) (i32.const 2)))
    (local.set $top (f32.load (i32.add (local.get $map) (i32.add (local.get $a) (local.get $at)))))
    (f32.add (local.get $top) (f32.mul (f32.sub (f32.load (i32.add (local.get $map) (i32.add (local.get $b) (local.get $at)))) (local.get $top)) (local.get $f))))
)
