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

A real night scene also holds light sources (street lamps, lit windows, headlights) far brighter
than anything they light: they stay at full white in the dark frame, so the per-frame min-max
stretch of the inference recipe cannot undo the darkness as it does on a synthetic frame without
them. `night_pair` adds such lights to the scene in linear light (before step 2): a core bright
enough to clip even after the under-exposure, and a glow around it; the well-exposed photo of the
same scene (clipped, the lamps blown out as a camera would record them) is returned as the pair's
normal image. `degrade` itself never adds lights, so its random stream, and every pair made with
it (scripts/make-pairs.py, the quality benchmark), stays as it was.

    >>> normal, low, params = night_pair(photo_uint8_hwc, rng, severity='mild')

`camera=True` (issue #20) adds what real night frames show beyond the sensor: a black offset
(flare and the camera's black-level error lift and tint the blacks: 0.02-0.3 % of full scale in
linear light, per channel ×0.7-1.3, added after the white balance) and, instead of JPEG, H.264 at
a low bitrate (libx264 through ffmpeg, 4:2:0, CRF 28-44: 16x16 macroblocks, half-resolution
chroma). The normal image stays the photo, so a net trained on such pairs learns to put the
blacks back down (the grey veil) and not to restore blocks as texture. Its draws come after the
usual ones, so the default stream is unchanged.

    >>> low, params = degrade(photo_uint8_hwc, rng, camera=True)
"""
import io
import subprocess

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


def degrade(img, rng, severity=None, neutral_wb=False, camera=False):
    """img: uint8 HxWx3 sRGB; severity: None (2-30 %), 'mild' or 'severe'. `neutral_wb` redraws
    the white-balance gains around neutral (red and blue 1/1.15-1.15, log-uniform) instead of the
    warm street-light range, after the usual draws, so the default stream is unchanged.

    Returns (low uint8 HxWx3, params dict of every random choice made)."""
    p = draw_params(rng, severity)
    if neutral_wb:
        p['wb_gains'] = [log_uniform(rng, 1 / 1.15, 1.15), 1.0, log_uniform(rng, 1 / 1.15, 1.15)]
    if camera:
        base = log_uniform(rng, 0.0002, 0.003)
        p['black_offset'] = [float(base * v) for v in rng.uniform(0.7, 1.3, 3)]
        p['h264_crf'] = int(rng.integers(28, 45))
    return expose(srgb_to_linear(img.astype(np.float64) / 255.0), p, rng), p


def night_pair(img, rng, severity=None):
    """img: uint8 HxWx3 sRGB. Adds 1-4 light sources to the scene (module docstring), then
    degrades it. Returns (normal uint8 HxWx3 with the lights, low uint8 HxWx3, params)."""
    p = draw_params(rng, severity)
    h, w = img.shape[:2]
    side = min(h, w)
    yy, xx = np.mgrid[0:h, 0:w]
    light = np.zeros((h, w, 3))
    p['lights'] = []
    for _ in range(int(rng.integers(1, 5))):
        lamp = {
            'y': float(rng.uniform(0, h)), 'x': float(rng.uniform(0, w)),
            'radius': float(side * log_uniform(rng, 0.004, 0.03)),
            # Warm sodium, neutral LED or a cool white, before the frame's own white balance.
            'colour': [[1.0, 0.72, 0.38], [1.0, 0.95, 0.85], [0.85, 0.95, 1.0]][int(rng.integers(0, 3))],
            # Core: clips even after the under-exposure. Glow: in the well-exposed photo's units.
            'core': float(rng.uniform(4.0, 12.0)) / p['exposure'],
            'glow': float(log_uniform(rng, 0.2, 2.0)),
            'glow_radius': float(rng.uniform(3, 8)),
        }
        p['lights'].append(lamp)
        d2 = ((yy - lamp['y']) ** 2 + (xx - lamp['x']) ** 2) / lamp['radius'] ** 2
        shape = lamp['core'] * (d2 <= 1) + lamp['glow'] * np.exp(-d2 / (2 * lamp['glow_radius'] ** 2))
        light += shape[..., None] * np.array(lamp['colour'])
    scene = srgb_to_linear(img.astype(np.float64) / 255.0) + light
    normal = np.round(linear_to_srgb(scene) * 255.0).astype(np.uint8)
    return normal, expose(scene, p, rng), p


def draw_params(rng, severity):
    lo, hi = EXPOSURE[severity]
    return {
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


def expose(x, p, rng):
    """Steps 2-7 on linear light x (HxWx3, may exceed 1 where lights are): the low uint8 frame."""
    x = gaussian_blur(x, p['blur_sigma'])
    x = x * p['exposure'] * np.array(p['wb_gains']) + np.array(p.get('black_offset', 0.0))
    photons = p['photons_full_scale'] * np.array(p['channel_sensitivity'])
    x = rng.poisson(np.clip(x, 0, 1) * photons) / photons
    x = x + rng.normal(0.0, p['read_noise'], x.shape)
    q = np.round(linear_to_srgb(x) * 255.0).astype(np.uint8)
    if 'h264_crf' in p:
        return h264(q, p['h264_crf'])
    buf = io.BytesIO()
    Image.fromarray(q).save(buf, format='JPEG', quality=p['jpeg_quality'])
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert('RGB')).copy()


def h264(frame, crf):
    """One uint8 HxWx3 frame through libx264 (4:2:0, CRF `crf`, preset veryfast) and back, as a
    recorder stores it; odd sizes are padded by edge pixels for the encoder and cropped after."""
    h, w = frame.shape[:2]
    even = np.pad(frame, ((0, h % 2), (0, w % 2), (0, 0)), mode='edge')
    eh, ew = even.shape[:2]
    raw = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{ew}x{eh}']
    coded = subprocess.run(['ffmpeg', '-v', 'error', '-nostdin', *raw, '-i', '-', '-c:v', 'libx264',
                            '-preset', 'veryfast', '-crf', str(crf), '-pix_fmt', 'yuv420p', '-threads', '1',
                            '-f', 'h264', '-'], input=even.tobytes(), capture_output=True, check=True).stdout
    decoded = subprocess.run(['ffmpeg', '-v', 'error', '-nostdin', '-f', 'h264', '-i', '-', '-frames:v', '1',
                              '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], input=coded, capture_output=True, check=True).stdout
    return np.frombuffer(decoded, np.uint8).reshape(eh, ew, 3)[:h, :w].copy()
