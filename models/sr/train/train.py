"""Trains the ×2 super-resolution net on CCTV-like pairs made from shared/data/pristine/train.

CPU only, one thread (the machine is shared). Time-budgeted and resumable (models/trainlib/harness.py):
--minutes counts training time across resumed runs, runs/x<scale>/latest.pt is written every
--ckpt-every minutes and at the end, and --resume continues from it with the same data stream.
The learning rate follows a cosine over --plan-minutes of training in total.

    /usr/bin/python3 models/sr/train/train.py --minutes 50 --resume
    /usr/bin/python3 models/sr/train/train.py --minutes 60 --resume     # 10 more, at the LR floor
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
import net as nets  # noqa: E402
from degrade import degrade  # noqa: E402
from trainlib.data import centre_crop, load_images, pair_batch, to_tensor  # noqa: E402
from trainlib.harness import Harness, add_arguments  # noqa: E402
from trainlib.metrics import psnr  # noqa: E402


def val_set(scale, count, crop, seed):
    """Fixed validation pairs: centre crops of the first `count` pristine/val images (MANIFEST order)."""
    pairs = []
    for i, img in enumerate(load_images('val', count, 2 * scale, by_manifest=True)):
        lr, hr, _ = degrade(centre_crop(img, crop, scale), np.random.default_rng([seed, 1000 + i]), scale)
        pairs.append((to_tensor([lr]), to_tensor([hr])))
    return pairs


@torch.no_grad()
def validate(net, pairs, scale):
    """PSNR of the net and of bicubic upscaling, 8-bit, `scale` px of border left out."""
    net.eval()
    ours, bic = [], []
    for lr, hr in pairs:
        ours.append(psnr(net(lr), hr, scale, quantize=True))
        bic.append(psnr(F.interpolate(lr, scale_factor=scale, mode='bicubic', align_corners=False), hr, scale, quantize=True))
    net.train()
    return {'psnr': round(float(np.mean(ours)), 3), 'psnr_bicubic': round(float(np.mean(bic)), 3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(ap, minutes=50.0, threads=1)
    ap.add_argument('--scale', type=int, default=2)
    ap.add_argument('--plan-minutes', type=float, default=55.0, help='total training time the cosine LR spans')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--patch', type=int, default=48, help='LR patch size')
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--lr-min', type=float, default=5e-5)
    ap.add_argument('--limit-images', type=int, default=None, help='use only the first N training images (smoke runs)')
    ap.add_argument('--run', default='', help='run folder under runs/ (default x<scale>)')
    ap.add_argument('--init', default='', help="start from this checkpoint's weights (fresh optimiser and schedule) when the run has none")
    ap.add_argument('--loss', choices=['l1', 'l2'], default='l1', help='l2 for a PSNR-oriented fine-tune after l1 training')
    ap.add_argument('--blocks', type=int, default=3, help='residual blocks; with --init from a shallower net the extra ones start as the identity')
    args = ap.parse_args()
    h = Harness(os.path.join(HERE, 'runs', args.run or f'x{args.scale}'), args, stream=(args.scale,))
    net = nets.build(args.scale, blocks=args.blocks)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    ck = h.resume()
    if ck:
        net.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
    elif args.init:
        init = torch.load(args.init, map_location='cpu', weights_only=False)
        nets.deepen_from(net, init['model'])
        h.carry(init['step'], init['minutes'])  # its training continues in this run; the schedule restarts
        h.say(f'initialised from {args.init} (step {init["step"]}, {init["minutes"]:.1f} min)')
    if h.finished():
        return 0
    hp = args.patch * args.scale
    images = load_images('train', args.limit_images, 2 * hp, by_manifest=True)
    pairs = val_set(args.scale, 12, 256, args.seed)
    h.say(f'{len(images)} training images, {len(pairs)} val crops; {nets.count_params(net)} params')

    def step():
        progress = min(1.0, h.trained / args.plan_minutes)
        lr = args.lr_min + (args.lr - args.lr_min) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g['lr'] = lr
        x, y = pair_batch(images, h.rng, args.batch, hp, lambda patch, rng: degrade(patch, rng, args.scale)[:2])
        out = net(x)
        loss = F.l1_loss(out, y) if args.loss == 'l1' else F.mse_loss(out, y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 0.5)
        opt.step()
        return {'loss': loss.item(), 'lr': lr}

    return h.train(step, lambda: {'model': net.state_dict(), 'opt': opt.state_dict(), 'scale': args.scale},
                   lambda: validate(net, pairs, args.scale))


if __name__ == '__main__':
    raise SystemExit(main())
