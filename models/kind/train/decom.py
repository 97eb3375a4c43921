"""Trains KinD's Decom net (R, I = Decom(x)) on CPU, seeded and resumable; runs/decom/.

    /usr/bin/python3 models/kind/train/decom.py --minutes 15 --resume

Loss: L1 reconstruction of low and normal, 0.05·|R_low − R_normal|, 0.2·mutual consistency,
0.15·structure-aware smoothness (stage_losses.decom_loss), on 4 patches of 64–96 px a step.
`--smooth ratio` takes the official code's smoothness instead (stage_losses.decom_loss_ratio:
I's gradients divided by the input's, with I anchored to the brightest channel of the input);
`--run NAME` trains in runs/NAME/:

    /usr/bin/python3 models/kind/train/decom.py --smooth ratio --run decom-smooth --anchor-up 0.3 --anchor 0.5 \
        --init-from-onnx models/kind/weights/kind-decom.onnx --minutes 600 --resume --threads 1
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import stage  # noqa: E402
from stage_losses import decom_loss, decom_loss_ratio  # noqa: E402
from trainlib.losses import grads, gray  # noqa: E402
from trainlib.metrics import psnr  # noqa: E402

LR = 5e-4


def i_texture(i, img):
    """How much of the image's fine structure I carries: mean |∇I| over mean |∇gray(x)|, both
    after removing what a 5x5 box blur keeps (edges of the scene's lighting stay, texture counts).
    Lower means more detail left in R, where Restoration can restore it."""
    def fine(x):
        return x - F.avg_pool2d(F.pad(x, (2, 2, 2, 2), mode='replicate'), 5, 1)
    ix, iy = grads(fine(i))
    gx, gy = grads(fine(gray(img)))
    return round(float((ix + iy).mean() / (gx + gy).mean().clamp(min=1e-6)), 4)


@torch.no_grad()
def validate(net, val):
    """PSNR of R·I against its input (low and normal), of R_low against R_normal, mean I."""
    acc = {}
    net.eval()
    for low, high, _ in zip(*val):
        r_l, i_l = net(low)
        r_h, i_h = net(high)
        for k, v in (('psnr_recon_low', psnr(r_l * i_l, low)), ('psnr_recon_normal', psnr(r_h * i_h, high)),
                     ('psnr_r_low_vs_r_normal', psnr(r_l, r_h)), ('mean_i_low', float(i_l.mean())),
                     ('mean_i_normal', float(i_h.mean())), ('i_texture_low', i_texture(i_l, low)),
                     ('i_texture_normal', i_texture(i_h, high))):
            acc.setdefault(k, []).append(v)
    net.train()
    return {k: round(sum(v) / len(v), 4) for k, v in acc.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    stage.add_arguments(ap, batch=4, patch=96, lr=LR)  # full resolution: 16 images a step, small batches
    ap.add_argument('--smooth', choices=['exp', 'ratio'], default='exp',
                    help="smoothness term: exp (the shipped Decom's) or ratio (KinD's official gradient ratio, anchored)")
    ap.add_argument('--run', help='run folder name under runs/ (default decom)')
    ap.add_argument('--anchor-up', type=float, default=1.0, help='--smooth ratio: weight of relu(max_c(x) - I)')
    ap.add_argument('--anchor', type=float, default=0.1, help='--smooth ratio: weight of |I - box5(max_c(x))|')
    args = ap.parse_args()
    loss = decom_loss_ratio if args.smooth == 'ratio' else decom_loss
    return stage.train_one('decom', args, LR, loss, validate, run=args.run,
                           ctx={'anchor_up': args.anchor_up, 'anchor': args.anchor})


if __name__ == '__main__':
    raise SystemExit(main())
