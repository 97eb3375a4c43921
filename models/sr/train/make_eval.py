"""Writes the SR benchmark pairs: every image of shared/data/pristine/val, cropped to a multiple
of the scale, degraded by degrade.py with a Generator seeded (seed, index) and without the
darkening step (the benchmark measures detail, not exposure).

    /usr/bin/python3 models/sr/train/make_eval.py --out /tmp/sr-eval [--scale 2] [--seed 1] [--limit 0]

OUT receives NN-<name>.lr.png and NN-<name>.hr.png, and pairs.json listing them with the
degradation parameters of each.
"""
import argparse
import json
import os

import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
from degrade import degrade, sample_params  # noqa: E402
from trainlib.data import photo_paths  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--scale', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--limit', type=int, default=0, help='first N images only (0: all)')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    files = photo_paths('val', by_manifest=True)
    if args.limit:
        files = files[:args.limit]
    pairs = []
    for i, path in enumerate(files):
        img = np.asarray(Image.open(path).convert('RGB'))
        h, w = img.shape[0] // args.scale * args.scale, img.shape[1] // args.scale * args.scale
        rng = np.random.default_rng([args.seed, i])
        p = sample_params(rng)
        p['darken'] = 1.0
        lr, hr, p = degrade(np.ascontiguousarray(img[:h, :w]), rng, args.scale, p)
        stem = f'{i:02d}-{os.path.splitext(os.path.basename(path))[0]}'
        Image.fromarray(lr).save(os.path.join(args.out, f'{stem}.lr.png'))
        Image.fromarray(hr).save(os.path.join(args.out, f'{stem}.hr.png'))
        pairs.append({'name': stem, 'lr': f'{stem}.lr.png', 'hr': f'{stem}.hr.png', 'degradation': p})
    with open(os.path.join(args.out, 'pairs.json'), 'w') as f:
        json.dump({'scale': args.scale, 'seed': args.seed, 'pairs': pairs}, f, indent=1)
        f.write('\n')
    print(f'wrote {len(pairs)} pairs to {args.out}')


if __name__ == '__main__':
    main()
