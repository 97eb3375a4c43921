"""Photos from shared/data/pristine and the patch batches every recipe trains on.

    images = load_images('train')
    low, normal = pair_batch(images, rng, 8, 128, lambda patch, rng: (dark(patch, rng), patch))
"""
import csv
import os

import numpy as np
import torch
from PIL import Image

from trainlib.device import DEVICE

DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'data'))


def data_root():
    """The shared data folder: $KIND_PIPE_DATA, else ../shared/data beside the checkout."""
    root = os.environ.get('KIND_PIPE_DATA', DATA)
    if not os.path.exists(os.path.join(root, 'pristine', 'MANIFEST.tsv')):
        raise SystemExit(f'{root}/pristine/MANIFEST.tsv not found: set KIND_PIPE_DATA to the shared data folder '
                         '(see shared/data/README.md)')
    return root


def photo_paths(split, by_manifest=False):
    """The photos of pristine/<split>, in file-name order, or in MANIFEST.tsv's order: the SR
    benchmark pairs are numbered in that order (models/sr/train/make_eval.py)."""
    root = data_root()
    if by_manifest:
        with open(os.path.join(root, 'pristine', 'MANIFEST.tsv')) as f:
            return [os.path.join(root, r['file']) for r in csv.DictReader(f, delimiter='\t') if r['split'] == split]
    folder = os.path.join(root, 'pristine', split)
    return [os.path.join(folder, n) for n in sorted(os.listdir(folder))]


def load_images(split, limit=None, min_side=0, by_manifest=False):
    """The first `limit` photos of a split as uint8 HxWx3 arrays, leaving out those with a side
    under `min_side` px."""
    images = (np.asarray(Image.open(p).convert('RGB')) for p in photo_paths(split, by_manifest)[:limit])
    return [img for img in images if min(img.shape[:2]) >= min_side]


def to_tensor(batch_uint8):
    """A list of uint8 HxWx3 arrays as a float NCHW tensor in 0..1."""
    return torch.from_numpy(np.stack(batch_uint8)).to(DEVICE).permute(0, 3, 1, 2).float() / 255.0


def centre_crop(img, size, multiple=1, square=False):
    """The centre of an HxWxC array, at most `size` px a side (and square with `square`), both
    sides cut to a multiple of `multiple`."""
    sides = [min(size, *img.shape[:2])] * 2 if square else [min(size, s) for s in img.shape[:2]]
    h, w = (s // multiple * multiple for s in sides)
    y, x = (img.shape[0] - h) // 2, (img.shape[1] - w) // 2
    return np.ascontiguousarray(img[y:y + h, x:x + w])


def random_patch(images, rng, size):
    """A random square patch of a random photo, rotated by a multiple of 90° and flipped half the
    time; a photo smaller than the patch is reflected up to `size`."""
    img = images[rng.integers(len(images))]
    h, w = img.shape[:2]
    s = min(size, h, w)
    y, x = rng.integers(h - s + 1), rng.integers(w - s + 1)
    patch = np.rot90(img[y:y + s, x:x + s], rng.integers(4))
    if rng.random() < 0.5:
        patch = patch[:, ::-1]
    patch = np.ascontiguousarray(patch)
    if s < size:
        patch = np.pad(patch, ((0, size - s), (0, size - s), (0, 0)), mode='reflect')
    return patch


def pair_batch(images, rng, n, size, make):
    """`n` (degraded, target) pairs as two float NCHW tensors; make(patch, rng) returns the uint8
    pair made from one random patch."""
    pairs = [make(random_patch(images, rng, size), rng) for _ in range(n)]
    return to_tensor([p[0] for p in pairs]), to_tensor([p[1] for p in pairs])
