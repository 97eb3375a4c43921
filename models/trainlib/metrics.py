"""The validation scores: PSNR and SSIM of float NCHW images in 0..1.

    psnr(out, target)                          # dB
    psnr(out, target, border=2, quantize=True) # as an 8-bit image, edges left out (SR)
"""
import math

import torch
import torch.nn.functional as F


def psnr(a, b, border=0, quantize=False):
    """PSNR in dB of `a` (clipped to 0..1, rounded to 8 bits with `quantize`) against `b`,
    without the outer `border` pixels."""
    a = a.clamp(0, 1)
    if border:
        a, b = a[..., border:-border, border:-border], b[..., border:-border, border:-border]
    if quantize:
        a = (a * 255).round() / 255
    return 10 * math.log10(1.0 / max(float(F.mse_loss(a, b)), 1e-10))


def ssim(a, b):
    """Mean SSIM with an 11-tap Gaussian window (sigma 1.5), per channel; differentiable."""
    t = torch.arange(11, dtype=a.dtype, device=a.device) - 5
    g = torch.exp(-t ** 2 / (2 * 1.5 ** 2))
    g = g / g.sum()
    c = a.shape[1]
    win = (g[:, None] * g[None, :]).expand(c, 1, 11, 11).contiguous()

    def blur(x):
        return F.conv2d(x, win, padding=5, groups=c)

    mu_a, mu_b = blur(a), blur(b)
    va = blur(a * a) - mu_a ** 2
    vb = blur(b * b) - mu_b ** 2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (va + vb + c2))
    return s.mean()
