"""The KinD inference recipe in PyTorch: the min-max stretch, the brightening
ratio a pair asks for, the learned exposure's ratio and the official fusion.

    x = stretch(frame); r, i = decom(x); out = restore(r, i) * illum(i, pair_ratio(i, i_normal))
"""
import numpy as np
import torch
import torch.nn.functional as F

from trainlib.losses import gray

RATIO_RANGE = (0.5, 20.0)  # what kind.illumination takes (plugins/kind/illumination.ts)


def stretch(x):
    """Per-image min-max stretch of the inference recipe; x: [N,C,H,W]."""
    lo = x.amin(dim=(1, 2, 3), keepdim=True)
    hi = x.amax(dim=(1, 2, 3), keepdim=True)
    return (x - lo) / torch.clamp(hi - lo, min=0.001)


def recipe(x, r, i, r_restored, i_adjusted):
    """The official KinD fusion from the networks' outputs."""
    k = torch.arange(-9, 10, dtype=x.dtype, device=x.device)
    g = torch.exp(-k ** 2 / 18.0)
    g = (g / g.sum())
    sm = F.conv2d(F.pad(gray(r), (9, 9, 9, 9), mode='replicate'), (g[:, None] * g[None, :])[None, None])
    w = torch.clamp(torch.sqrt(2 * sm), max=1.0)
    fused = r_restored * w * i_adjusted
    return i * x + (1 - i) * fused


def pair_ratio(i_low, i_normal):
    """The brightening ratio a pair asks for: mean(I_normal) / mean(I_low) per sample, in the
    range kind.illumination takes. kind-exposure.onnx learns to predict it from I_low alone."""
    return (i_normal.mean(dim=(1, 2, 3)) / i_low.mean(dim=(1, 2, 3)).clamp(min=1e-3)).clamp(*RATIO_RANGE)


def learned_ratio(exposure, i):
    """The ratio of kind.illumination `mode: learned` (compensation 1) for one frame's I."""
    return torch.exp(exposure(i)).clamp(*RATIO_RANGE)


def knob_pairs(i_l, i_h, rng):
    """(I_in, ratio, I_target): low->normal, or swapped 30 % of the time so a ratio below 1
    darkens; the ratio is mean(I_target)/mean(I_in) per sample. After the min-max stretch
    the natural ratio is only ~1-2, so half the targets are brightened further by a power
    (I**g, g in 0.3-1; smooth, keeps edges) to teach ratios up to ~4."""
    n = len(i_l)
    swap = torch.from_numpy(rng.random(n) < 0.3).to(i_l.device).view(-1, 1, 1, 1)
    i_in = torch.where(swap, i_h, i_l)
    i_tgt = torch.where(swap, i_l, i_h)
    gamma = np.where(rng.random(n) < 0.5, rng.uniform(0.3, 1.0, n), 1.0)
    i_tgt = i_tgt.clamp(min=1e-4) ** torch.from_numpy(gamma).float().to(i_l.device).view(-1, 1, 1, 1)
    ratio = i_tgt.mean(dim=(1, 2, 3)) / i_in.mean(dim=(1, 2, 3)).clamp(min=1e-3)
    return i_in, ratio, i_tgt
