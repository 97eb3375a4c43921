#!/usr/bin/python3
"""Makes synthetic low-light / ground-truth pairs for the quality benchmark and `kind-pipe eval`.

Every pristine image is centre-cropped to at most MAX_SIDE px on its long side and to a multiple
of 8 on both sides, then darkened by the project's own degradation model
(models/kind/train/degrade.py, imported by path). Both halves of the pair get the same crop:

    DIR/low/NAME.png   the degraded frame
    DIR/gt/NAME.png    the pristine crop
    DIR/pairs.json     seed, severity, source, crop box and every random choice per image

Each image has its own random generator, seeded from (--seed, severity, image name), so a pair is
the same whatever --limit is and whatever other images sit in --src.

    /usr/bin/python3 scripts/make-pairs.py --src ../shared/data/pristine/val \\
        --out .bench/quality/pairs/severe --severity severe --seed 1 --limit 6

Needs numpy and PIL (Debian's /usr/bin/python3 has both).
"""
import argparse
import hashlib
import importlib.util
import json
import os
import sys
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DEGRADE_PY = os.path.join(HERE, '..', 'models', 'kind', 'train', 'degrade.py')
EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp', '.ppm')
MAX_SIDE = 512
MULTIPLE = 8


def load_degrade():
    """degrade.py lives under models/ (not a package), so load it from its path."""
    spec = importlib.util.spec_from_file_location('kind_degrade', DEGRADE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def crop_box(width, height):
    """Centre crop: long side at most MAX_SIDE, both sides a multiple of MULTIPLE."""
    w = min(width, MAX_SIDE) // MULTIPLE * MULTIPLE
    h = min(height, MAX_SIDE) // MULTIPLE * MULTIPLE
    left, top = (width - w) // 2, (height - h) // 2
    return left, top, w, h


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--src', required=True, help='folder of pristine images')
    ap.add_argument('--out', required=True, help='output folder (gets low/, gt/, pairs.json)')
    ap.add_argument('--severity', required=True, help='a key of degrade.EXPOSURE other than None (mild, severe)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--limit', type=int, default=0, help='only N images, evenly spread over the names in sorted order (0: all)')
    args = ap.parse_args()

    degrade = load_degrade()
    severities = [k for k in degrade.EXPOSURE if k is not None]
    if args.severity not in severities:
        sys.exit(f'make-pairs: unknown --severity {args.severity!r}; degrade.py knows {", ".join(severities)}')
    if not os.path.isdir(args.src):
        sys.exit(f'make-pairs: {args.src} is not a folder. Fix: point --src at a folder of pristine images')
    names = sorted(f for f in os.listdir(args.src) if f.lower().endswith(EXTENSIONS))
    if 0 < args.limit < len(names):
        # Evenly spread over the sorted list, so a small run still sees every source set.
        names = [names[i * len(names) // args.limit] for i in range(args.limit)]
    if not names:
        sys.exit(f'make-pairs: {args.src} holds no images ({", ".join(EXTENSIONS)})')
    stems = [os.path.splitext(n)[0] for n in names]
    if len(set(stems)) != len(stems):
        sys.exit(f'make-pairs: {args.src} has two images with the same base name; rename one')

    low_dir, gt_dir = os.path.join(args.out, 'low'), os.path.join(args.out, 'gt')
    os.makedirs(low_dir, exist_ok=True)
    os.makedirs(gt_dir, exist_ok=True)
    severity_index = severities.index(args.severity)
    pairs = []
    for name, stem in zip(names, stems):
        img = Image.open(os.path.join(args.src, name)).convert('RGB')
        left, top, w, h = crop_box(*img.size)
        if w == 0 or h == 0:
            print(f'make-pairs: skipping {name}: {img.size[0]}x{img.size[1]} is smaller than {MULTIPLE}x{MULTIPLE}', file=sys.stderr)
            continue
        gt = np.asarray(img.crop((left, top, left + w, top + h))).copy()
        rng = np.random.default_rng([args.seed, severity_index, zlib.crc32(stem.encode())])
        low, params = degrade.degrade(gt, rng, severity=args.severity)
        Image.fromarray(low).save(os.path.join(low_dir, stem + '.png'))
        Image.fromarray(gt).save(os.path.join(gt_dir, stem + '.png'))
        pairs.append({'name': stem, 'source': name, 'crop': [left, top, w, h], 'degrade': params})

    manifest = {
        'src': os.path.abspath(args.src),
        'severity': args.severity,
        'seed': args.seed,
        'limit': args.limit,
        'degrade_sha256': sha256(DEGRADE_PY),
        'make_pairs_sha256': sha256(os.path.abspath(__file__)),
        'pairs': pairs,
    }
    with open(os.path.join(args.out, 'pairs.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    print(f'make-pairs: {len(pairs)} {args.severity} pairs (seed {args.seed}) in {args.out}')


if __name__ == '__main__':
    main()
