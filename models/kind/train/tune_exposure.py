"""Chooses the shipped pipelines' exposure setting (kind.illumination `mode: auto` target, with
kind.fuse `mode: product`) on synthetic pairs made from pristine/TRAIN, never on the validation
set that the quality benchmark scores. Runs the shipped ONNX weights (loaded into the PyTorch
definitions) on centre crops, as the stills pipeline does: per-image min-max stretch, Decom,
Restore, Illumination at ratio = clamp(target / mean(I), 0.5, 20), then R' * I'; the KinD
`official` fusion at a fixed ratio is printed beside it for comparison, and the learned exposure
(`mode: learned`: runs/exposure/latest.pt, else the shipped kind-exposure.onnx). `--restore-run`
scores a Restoration checkpoint in training (e.g. restore-full-final; a joint run, restore-full-joint,
with the Illumination net trained beside it) next to the shipped ones.

    /usr/bin/python3 scripts/make-pairs.py --src ../shared/data/pristine/train \\
        --out /tmp/train-pairs/mild --severity mild --seed 7 --limit 400      # and severe
    /usr/bin/python3 models/kind/train/tune_exposure.py --pairs /tmp/train-pairs --stride 12
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
from pairs import load_crop  # noqa: E402
from retinex import RATIO_RANGE, learned_ratio, recipe, stretch  # noqa: E402
from shipped import frozen, is_trained, shipped_file  # noqa: E402
from trainlib.metrics import psnr  # noqa: E402

CROP = 256


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--pairs', required=True, help='folder with mild/ and severe/ pair folders (low/, gt/)')
    ap.add_argument('--stride', type=int, default=12, help='take every Nth pair')
    ap.add_argument('--limit', type=int, default=32, help='pairs per severity')
    ap.add_argument('--targets', default='0.6,0.65,0.7,0.75,0.8')
    ap.add_argument('--ratios', default='2', help='fixed ratios for the official fusion, for comparison')
    ap.add_argument('--restore-run', action='append', default=[], help='also score runs/NAME/latest.pt')
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    onnx = shipped_file
    decom = frozen('decom', onnx('decom'))
    lite_illum = onnx('illum-lite') if os.path.exists(onnx('illum-lite')) else onnx('illum')
    # model -> (Restoration net, the Illumination net it ships with)
    restores = {'kind': (frozen('restore-full', onnx('restore-full')), frozen('illum', onnx('illum'))),
                'kind-lite': (frozen('restore-lite', onnx('restore-lite')), frozen('illum', lite_illum))}
    for run in args.restore_run:  # a joint run brings its own Illumination net
        restores[run] = (frozen('restore-lite' if 'lite' in run else 'restore-full', run=run),
                         frozen('illum', run=run) if 'joint' in run else restores['kind'][1])
    exposure = frozen('exposure') if is_trained('exposure') else None
    targets = [float(t) for t in args.targets.split(',')] if args.targets else []
    ratios = [float(r) for r in args.ratios.split(',')] if args.ratios else []
    rows = {}
    with torch.no_grad():
        for severity in ('mild', 'severe'):
            folder = os.path.join(args.pairs, severity)
            names = sorted(os.listdir(os.path.join(folder, 'gt')))[::args.stride][:args.limit]
            for name in names:
                low = stretch(load_crop(os.path.join(folder, 'low', name), CROP))
                gt = load_crop(os.path.join(folder, 'gt', name), CROP)
                r, i = decom(low)
                for model, (restore, illum) in restores.items():
                    r_restored = restore(r, i)
                    for t in targets:
                        ratio = (t / i.mean().clamp(min=1e-4)).clamp(*RATIO_RANGE).view(1)
                        key = (model, f'product, auto target {t}')
                        rows.setdefault(key, {}).setdefault(severity, []).append(psnr(r_restored * illum(i, ratio), gt))
                    if exposure is not None:
                        ratio = learned_ratio(exposure, i)
                        key = (model, 'product, learned exposure')
                        rows.setdefault(key, {}).setdefault(severity, []).append(psnr(r_restored * illum(i, ratio), gt))
                    for ratio in ratios:
                        fused = recipe(low, r, i, r_restored, illum(i, torch.tensor([ratio])))
                        key = (model, f'official, ratio {ratio:g}')
                        rows.setdefault(key, {}).setdefault(severity, []).append(psnr(fused, gt))
    print(f'| model | setting | mild PSNR dB | severe PSNR dB | mean |  ({args.limit} pairs per severity, every {args.stride}th, {CROP}-px centre crops)')
    print('| --- | --- | ---: | ---: | ---: |')
    for (model, setting), by in rows.items():
        m, s = np.mean(by['mild']), np.mean(by['severe'])
        print(f'| {model} | {setting} | {m:.2f} | {s:.2f} | {(m + s) / 2:.2f} |')


if __name__ == '__main__':
    main()
