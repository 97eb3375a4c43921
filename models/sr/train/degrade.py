"""CCTV-like degradation for super-resolution pairs: a clean high-resolution patch becomes
the small, soft, noisy, compressed frame a cheap camera (or a low-bitrate stream) delivers.

Steps:
1. Optional darkening (30 % of patches, x0.25-1): night frames after enhancement are dimmer
   than the photographs the pairs come from.
2. Slight optical blur (Gaussian, sigma 0-0.8 HR px, PIL).
3. Downscale by `scale` with a random filter: area (box), bicubic or bilinear (PIL, antialiased).
4. Mild sensor noise on the LR frame: Poisson-like (signal-dependent, std k*sqrt(x),
   k 0-0.03) plus Gaussian (std 0-0.015); 20 % of patches get none.
5. 8-bit quantisation, then JPEG at a random quality 30-80 (PIL) standing in for H.264
   artefacts; 15 % of patches skip it.

Deterministic for a given numpy Generator state.

    >>> rng = np.random.default_rng(7)
    >>> lr, hr, params = make_pair(hr_uint8_hwc, rng, scale=2)
"""
import io

import numpy as np
from PIL import Image, ImageFilter

FILTERS = {'area': Image.BOX, 'bicubic': Image.BICUBIC, 'bilinear': Image.BILINEAR}


def sample_params(rng):
    return {
        'darken': float(rng.uniform(0.25, 1.0)) if rng.random() < 0.3 else 1.0,
        'blur_sigma': float(rng.uniform(0.0, 0.8)),
        'filter': ['area', 'bicubic', 'bilinear'][int(rng.integers(0, 3))],
        'noise': bool(rng.random() >= 0.2),
        'shot': float(rng.uniform(0.0, 0.03)),
        'read': float(rng.uniform(0.0, 0.015)),
        'jpeg_quality': int(rng.integers(30, 81)) if rng.random() >= 0.15 else None,
    }


def degrade(hr, rng, scale=2, params=None):
    """hr: uint8 HxWx3 with H and W multiples of `scale`. Returns (lr uint8, hr uint8, params):
    hr comes back darkened when the darkening step applies, so the pair stays consistent."""
    p = params or sample_params(rng)
    h, w = hr.shape[:2]
    if p['darken'] < 1.0:
        hr = np.round(hr.astype(np.float32) * p['darken']).astype(np.uint8)
    img = Image.fromarray(hr)
    if p['blur_sigma'] >= 0.05:
        img = img.filter(ImageFilter.GaussianBlur(p['blur_sigma']))
    img = img.resize((w // scale, h // scale), FILTERS[p['filter']])
    x = np.asarray(img).astype(np.float32) / 255.0
    if p['noise']:
        std = np.sqrt(p['shot'] ** 2 * np.clip(x, 0, 1) + p['read'] ** 2)
        x = x + rng.normal(0.0, 1.0, x.shape).astype(np.float32) * std
    lr = np.round(np.clip(x, 0, 1) * 255.0).astype(np.uint8)
    if p['jpeg_quality'] is not None:
        buf = io.BytesIO()
        Image.fromarray(lr).save(buf, format='JPEG', quality=p['jpeg_quality'])
        lr = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB')).copy()
    return lr, hr, p


def make_pair(hr, rng, scale=2):
    return degrade(hr, rng, scale)
