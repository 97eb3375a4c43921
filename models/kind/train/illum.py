"""Trains KinD's Illumination net (I' = Illum(I, ratio)) on the frozen Decom net's I, seeded
and resumable; runs/illum/.

    /usr/bin/python3 models/kind/train/illum.py --minutes 6 --resume

Loss: MSE + gradient of I' against the target illumination, ratio = mean(I_target)/mean(I_in),
direction swapped 30 % of the time (retinex.knob_pairs), 8 patches of 64–96 px a step.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import stage  # noqa: E402
from shipped import frozen  # noqa: E402
from stage_losses import illum_loss  # noqa: E402
from trainlib.metrics import psnr  # noqa: E402

LR = 5e-4


@torch.no_grad()
def validate(net, decom, val):
    """PSNR of I' (at the normal image's own ratio: a per-stage check only) and of I_low
    against I_normal."""
    adjusted, plain = [], []
    net.eval()
    for low, high, _ in zip(*val):
        _, i_l = decom(low)
        _, i_h = decom(high)
        ratio = (i_h.mean() / i_l.mean().clamp(min=1e-3)).view(1)
        adjusted.append(psnr(net(i_l, ratio), i_h))
        plain.append(psnr(i_l, i_h))
    net.train()
    return {'psnr_i_adjusted_vs_i_normal': round(sum(adjusted) / len(adjusted), 4),
            'psnr_i_low_vs_i_normal': round(sum(plain) / len(plain), 4)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    stage.add_arguments(ap, batch=8, patch=96, lr=LR)
    ap.add_argument('--decom-onnx', help='frozen Decom weights from this ONNX file instead of runs/decom')
    args = ap.parse_args()
    decom = frozen('decom', args.decom_onnx)  # before the seed, as the shipped net was trained
    return stage.train_one('illum', args, LR, illum_loss, lambda net, val: validate(net, decom, val), decom)


if __name__ == '__main__':
    raise SystemExit(main())
