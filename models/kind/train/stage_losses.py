"""The losses of KinD's stages, each loss(net, low, normal, ctx) -> (loss, {part: float}); ctx
holds the frozen nets ('decom', 'illum'), the numpy Generator 'rng' and 'bf16'.

    loss, parts = decom_loss(net, low, normal, {})
"""
import torch
import torch.nn.functional as F

from retinex import knob_pairs, pair_ratio, stretch
from trainlib.device import DEVICE
from trainlib.losses import grad_loss, grads, gray, structure_loss
from trainlib.metrics import ssim


def smooth_loss(i, img):
    """Structure-aware smoothness: illumination gradients cost less at image edges."""
    ix, iy = grads(i)
    gx, gy = grads(gray(img))
    return (ix * torch.exp(-10 * gx) + iy * torch.exp(-10 * gy)).mean()


def input_smooth_loss(i, img):
    """Structure-aware smoothness as in KinD's official code (mutual_i_input_loss): illumination
    gradients divided by the input's, floored at 0.01, so I may only change where the image has an
    edge; up to 100x the cost of smooth_loss in flat, textured-by-noise regions. This pushes texture
    out of I into R (issue #20: the 582-step Decom left much texture in I)."""
    ix, iy = grads(i)
    gx, gy = grads(gray(img))
    return (ix / gx.clamp(min=0.01) + iy / gy.clamp(min=0.01)).mean()


def mutual_loss(i_low, i_high):
    """Mutual consistency: both illuminations share strong edges, are flat elsewhere."""
    lx, ly = grads(i_low)
    hx, hy = grads(i_high)
    mx, my = lx + hx, ly + hy
    return (mx * torch.exp(-10 * mx) + my * torch.exp(-10 * my)).mean()


def decom_loss(net, low, high, _):
    r_l, i_l = net(low)
    r_h, i_h = net(high)
    recon = (r_l * i_l - low).abs().mean() + (r_h * i_h - high).abs().mean()
    equal_r = (r_l - r_h).abs().mean()
    loss = (recon + 0.05 * equal_r + 0.2 * mutual_loss(i_l, i_h)
            + 0.15 * (smooth_loss(i_l, low) + smooth_loss(i_h, high)))
    return loss, {'recon': float(recon), 'equal_r': float(equal_r)}


def decom_loss_ratio(net, low, high, ctx):
    """Decom loss with the official code's gradient-ratio smoothness (decom.py --smooth ratio):
    reconstruction of both, 0.05·|R_low − R_normal|, 0.2·mutual consistency, 0.15·input_smooth_loss
    of each, and an anchor to the input's brightest channel m = max_c(x) (LIME's initial
    illumination): ctx['anchor_up']·relu(m − I) keeps I above it (R ≤ 1 can then reconstruct x),
    ctx['anchor']·|I − box5(m)| keeps I from drifting to 1 (decom.py --anchor-up, --anchor).
    With 1 and 0.1 the run drifted to mean I 0.993 by step 968 (the only smooth I ≥ m is 1). Without an anchor, I ≡ 1 and R = x is a perfect, perfectly smooth
    answer: on LOL the low and normal images differ tenfold and the equal-R term forbids it, but
    after this project's min-max stretch they are alike, and a run collapsed to mean I 0.9998 in
    230 steps. A symmetric 0.5·|I − m| alone put I below m on texture peaks (reconstruction fell
    from 33.7 to 23.9 dB in 77 steps)."""
    r_l, i_l = net(low)
    r_h, i_h = net(high)
    recon = (r_l * i_l - low).abs().mean() + (r_h * i_h - high).abs().mean()
    equal_r = (r_l - r_h).abs().mean()
    smooth = input_smooth_loss(i_l, low) + input_smooth_loss(i_h, high)
    anchor = 0.0
    up, near = ctx.get('anchor_up', 1.0), ctx.get('anchor', 0.1)
    for i, x in ((i_l, low), (i_h, high)):
        m = x.amax(1, keepdim=True)
        smooth_m = F.avg_pool2d(F.pad(m, (2, 2, 2, 2), mode='replicate'), 5, 1)
        anchor = anchor + up * F.relu(m - i).mean() + near * (i - smooth_m).abs().mean()
    loss = recon + 0.05 * equal_r + 0.2 * mutual_loss(i_l, i_h) + 0.15 * smooth + anchor
    return loss, {'recon': float(recon), 'equal_r': float(equal_r), 'smooth': float(smooth), 'anchor': float(anchor),
                  'mean_i': float(i_l.mean())}


def illum_loss(net, low, high, ctx):
    with torch.no_grad():
        _, i_l = ctx['decom'](low)
        _, i_h = ctx['decom'](high)
    i_in, ratio, i_tgt = knob_pairs(i_l, i_h, ctx['rng'])
    out = net(i_in, ratio)
    mse = F.mse_loss(out, i_tgt)
    loss = mse + grad_loss(out, i_tgt)
    return loss, {'mse': float(mse), 'ratio_mean': float(ratio.mean())}


def restored(net, r_l, i_l, ctx):
    """Restoration's output in float32, computed under bf16 autocast when ctx['bf16']."""
    with torch.autocast(DEVICE.type, torch.bfloat16, enabled=ctx['bf16']):
        out = net(r_l, i_l)
    return out.float()


def restore_loss(net, low, high, ctx):
    with torch.no_grad():
        r_l, i_l = ctx['decom'](low)
        r_h, _ = ctx['decom'](high)
    return structure_loss(restored(net, r_l, i_l, ctx), r_h)


def illum_knob_loss(illum, i_l, i_h, rng):
    """The Illumination stage's own loss on pairs made from I_low/I_normal already computed
    (random ratios, swapped directions, gamma-brightened targets), so that training it end to end
    at the pair ratio keeps the ratio knob meaning what it meant for every other ratio."""
    i_in, ratio, i_tgt = knob_pairs(i_l, i_h, rng)
    out = illum(i_in, ratio)
    return F.mse_loss(out, i_tgt) + grad_loss(out, i_tgt)


def black_contrast_loss(out, photo):
    """Black level and contrast of the output against the photo's, per sample (restore.py --black W,
    issue #20): the 1st and 5th percentiles of luma and its standard deviation. MSE barely moves
    for a grey veil over dark regions, which lifts the low percentiles and flattens the contrast;
    this term sees exactly that."""
    a, b = gray(out).flatten(1), gray(photo).flatten(1)
    q = torch.tensor([0.01, 0.05], dtype=a.dtype, device=a.device)
    lows = (torch.quantile(a, q, dim=1) - torch.quantile(b, q, dim=1)).abs().mean()
    return lows + (a.std(dim=1) - b.std(dim=1)).abs().mean()


def final_loss(net, low, photo, ctx):
    """End-to-end Restoration loss: the shipped output R'·I' (I' from the frozen Illumination
    net at the pair's own ratio) against the photo itself, plus a tenth of the stage-wise loss
    against R_normal so that R' stays a reflectance. Lets R' absorb what the frozen Decom and
    Illumination nets get wrong (colour, highlights) instead of matching an imperfect R_normal.
    With ctx['joint'] the Illumination net trains too, its knob kept by illum_knob_loss."""
    joint = ctx.get('joint', False)
    with torch.no_grad():
        r_l, i_l = ctx['decom'](low)
        r_h, i_h = ctx['decom'](stretch(photo))
    with torch.set_grad_enabled(joint):
        i_adj = ctx['illum'](i_l, pair_ratio(i_l, i_h))
    out = restored(net, r_l, i_l, ctx)
    loss, parts = structure_loss(out * i_adj, photo)
    loss = loss + 0.1 * (F.mse_loss(out, r_h) + (1 - ssim(out, r_h)))
    if ctx.get('black', 0):
        black = black_contrast_loss(out * i_adj, photo)
        loss = loss + ctx['black'] * black
        parts['black'] = float(black)
    if joint:
        loss = loss + 0.1 * illum_knob_loss(ctx['illum'], i_l, i_h, ctx['rng'])
    return loss, parts
