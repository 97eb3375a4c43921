"""Image losses shared by the recipes (float NCHW tensors).

    loss = structure_loss(out, target)   # MSE + (1 - SSIM) + gradient
"""
import torch.nn.functional as F

from .metrics import ssim


def grads(x):
    """|d/dx|, |d/dy| padded back to x's size."""
    gx = F.pad((x[..., :, 1:] - x[..., :, :-1]).abs(), (0, 1, 0, 0))
    gy = F.pad((x[..., 1:, :] - x[..., :-1, :]).abs(), (0, 0, 0, 1))
    return gx, gy


def gray(x):
    return 0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]


def grad_loss(a, b):
    """Mean squared difference of the gradient magnitudes."""
    ax, ay = grads(a)
    bx, by = grads(b)
    return ((ax - bx) ** 2 + (ay - by) ** 2).mean()


def structure_loss(out, target):
    """MSE + (1 - SSIM) + gradient loss, and its parts {'mse', 'ssim'} for the log."""
    mse = F.mse_loss(out, target)
    s = ssim(out, target)
    return mse + (1 - s) + grad_loss(out, target), {'mse': float(mse), 'ssim': float(s)}
