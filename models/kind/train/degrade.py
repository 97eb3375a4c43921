"""Synthetic night-CCTV degradation: turns a well-exposed sRGB photo into a dark,
noisy, colour-cast, compressed frame, the way a cheap camera at night records it.

Steps, in the order light meets the camera:
1. sRGB -> linear light.
2. Slight lens/motion blur (Gaussian, sigma 0-0.9 px).
3. Under-exposure: linear light scaled to 2-30 % ("mild" 10-30 %, "severe" 2-8 %).
4. White-balance / colour shift: per-channel gains (sodium and LED street light).
5. Sensor noise, Poisson-Gaussian: shot noise from a per-channel photon count at
   full scale (low count = high gain = noisy) plus Gaussian read noise.
6. Back to sRGB and 8-bit quantisation (crushes the darkest tones).
7. JPEG at a random quality 35-90 (PIL), standing in for the recorder's H.264/JPEG.

Deterministic for a given numpy Generator state.

    >>> rng = np.random.default_rng(7)
    >>> low, params = degrade(photo_uint8_hwc, rng, severity='severe')
"""
import io

import numpy as np
from PIL import Image

EXPOSURE = {'mild': (0.10, 0.30), 'severe': (0.02, 0.08), None: (0.02, 0.30)}


def srgb_to_linear(x):
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x):
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)


def gaussian_blur(img, sigma):
    """Separable Gaussian on an HWC float image, edges reflected."""
    if sigma < 0.05:
        return img
    radius = max(1, int(np.ceil(3 * sigma)))
    t = np.arange(-radius, radius + 1)
    k = np.exp(-0.5 * (t / sigma) ** 2)
    k /= k.sum()
    for axis in (0, 1):
        pad = [(0, 0)] * 3
        pad[axis] = (radius, radius)
        p = np.pad(img, pad, mode='reflect' if img.shape[axis] > radius else 'edge')
        n = img.shape[axis]
        img = sum(k[j] * np.take(p, np.arange(j, j + n), axis=axis) for j in range(len(k)))
    return img


def log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def degrade(img, rng, severity=None):
    """img: uint8 HxWx3 sRGB; severity: None (2-30 %), 'mild' or 'severe'.

    Returns (low uint8 HxWx3, params dict of every random choice made)."""
    lo, hi = EXPOSURE[severity]
    p = {
        'severity': severity,
        'blur_sigma': float(rng.uniform(0.0, 0.9)),
        'exposure': log_uniform(rng, lo, hi),
        # Street light is mostly warm: red up, blue down, with some cool LED cases.
        'wb_gains': [float(rng.uniform(0.85, 1.3)), 1.0, float(rng.uniform(0.6, 1.1))],
        'photons_full_scale': log_uniform(rng, 60, 2000),
        'channel_sensitivity': [float(v) for v in rng.uniform(0.75, 1.25, 3)],
        'read_noise': log_uniform(rng, 0.0005, 0.006),
        'jpeg_quality': int(rng.integers(35, 91)),
    }
    x = srgb_to_linear(img.astype(np.float64) / 255.0)
    x = gaussian_blur(x, p['blur_sigma'])
    x = x * p['exposure'] * np.array(p['wb_gains'])
    photons = p['photons_full_scale'] * np.array(p['channel_sensitivity'])
    x = rng.poisson(np.clip(x, 0, 1) * photons) / photons
    x = x + rng.normal(0.0, p['read_noise'], x.shape)
    q = np.round(linear_to_srgb(x) * 255.0).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(q).save(buf, format='JPEG', quality=p['jpeg_quality'])
    low = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB')).copy()
    return low, p
