"""Where the shipped KinD output loses quality: each network's output is swapped for its oracle
(the same network run on the photo itself) and the product R'·I' is scored against the photo,
PSNR / SSIM, on synthetic pairs from pristine/TRAIN (never the benchmark's val set).

    /usr/bin/python3 scripts/make-pairs.py --src ../shared/data/pristine/train \\
        --out /tmp/train-pairs/mild --severity mild --seed 7 --limit 400      # and severe
    /usr/bin/python3 models/kind/train/diagnose.py --pairs /tmp/train-pairs --stride 25 --limit 16

Rows: the shipped recipe (R' · Illum(I, learned ratio)); with the pair's own ratio (perfect
exposure); R_normal in place of R' (perfect Restoration); I_normal in place of I' (perfect
Illumination and exposure); both; and the shipped output times the best single gain / per-channel
gain for the image (what a perfect global exposure and white balance would add).
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
from pairs import load_crop  # noqa: E402
from retinex import learned_ratio, pair_ratio, stretch  # noqa: E402
from shipped import frozen  # noqa: E402
from trainlib.metrics import psnr, ssim  # noqa: E402

CROP = 256  # as tune_exposure.py


def best_gain(out, gt, dims):
    return out * (out * gt).sum(dim=dims, keepdim=True) / (out * out).sum(dim=dims, keepdim=True).clamp(min=1e-8)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--pairs', required=True, help='folder with mild/ and severe/ pair folders (low/, gt/)')
    ap.add_argument('--stride', type=int, default=25)
    ap.add_argument('--limit', type=int, default=16)
    ap.add_argument('--restore', default='restore-full', help='restore-full | restore-lite (checkpoint, else shipped)')
    ap.add_argument('--run', help='Restoration (and, for a joint run, Illumination) from runs/RUN instead')
    ap.add_argument('--exposure', default='exposure', help='exposure | exposure-lite (checkpoint, else shipped)')
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    decom, illum, exposure = frozen('decom'), frozen('illum'), frozen(args.exposure)
    restore = frozen(args.restore, run=args.run)
    if args.run and 'joint' in args.run:
        illum = frozen('illum', run=args.run)
    rows = {}
    with torch.no_grad():
        for severity in ('mild', 'severe'):
            folder = os.path.join(args.pairs, severity)
            for name in sorted(os.listdir(os.path.join(folder, 'gt')))[::args.stride][:args.limit]:
                low = stretch(load_crop(os.path.join(folder, 'low', name), CROP))
                gt = load_crop(os.path.join(folder, 'gt', name), CROP)
                r, i = decom(low)
                r_h, i_h = decom(stretch(gt))
                r_out = restore(r, i)
                i_out = illum(i, learned_ratio(exposure, i))
                shipped = r_out * i_out
                outs = {
                    "shipped: R' · I' (learned exposure)": shipped,
                    "R' · I' at the pair's own ratio": r_out * illum(i, pair_ratio(i, i_h)),
                    "R_normal · I'": r_h * i_out,
                    "R' · I_normal": r_out * i_h,
                    'R_normal · I_normal': r_h * i_h,
                    'shipped × best gain': best_gain(shipped, gt, (1, 2, 3)),
                    'shipped × best RGB gains': best_gain(shipped, gt, (2, 3)),
                }
                for k, v in outs.items():
                    v = v.clamp(0, 1)
                    rows.setdefault(k, {}).setdefault(severity, []).append((psnr(v, gt), float(ssim(v, gt))))
    print(f'| output ({args.restore}) | mild PSNR / SSIM | severe PSNR / SSIM |  ({args.limit} pairs per severity, every {args.stride}th)')
    print('| --- | --- | --- |')
    for k, by in rows.items():
        cells = [f'{np.mean([p for p, _ in by[s]]):.2f} / {np.mean([q for _, q in by[s]]):.3f}' for s in ('mild', 'severe')]
        print(f'| {k} | {cells[0]} | {cells[1]} |')


if __name__ == '__main__':
    main()
