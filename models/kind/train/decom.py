"""Trains KinD's Decom net (R, I = Decom(x)) on CPU, seeded and resumable; runs/decom/.

    /usr/bin/python3 models/kind/train/decom.py --minutes 15 --resume

Loss: L1 reconstruction of low and normal, 0.05·|R_low − R_normal|, 0.2·mutual consistency,
0.15·structure-aware smoothness (stage_losses.decom_loss), on 4 patches of 64–96 px a step.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import stage  # noqa: E402
from stage_losses import decom_loss  # noqa: E402
from trainlib.metrics import psnr  # noqa: E402

LR = 5e-4


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
                     ('mean_i_normal', float(i_h.mean()))):
            acc.setdefault(k, []).append(v)
    net.train()
    return {k: round(sum(v) / len(v), 4) for k, v in acc.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    stage.add_arguments(ap, batch=4, patch=96, lr=LR)  # full resolution: 16 images a step, small batches
    args = ap.parse_args()
    return stage.train_one('decom', args, LR, decom_loss, validate)


if __name__ == '__main__':
    raise SystemExit(main())
