"""Trains the ×2 super-resolution net on CCTV-like pairs made from shared/data/pristine/train.

CPU only, one thread (the machine is shared). Time-budgeted and resumable: each run trains for
--minutes, saves runs/x<scale>/latest.pt every --save-every steps and at the end, and a later
run continues from it (same data stream: the patches of step n come from a Generator seeded
with (seed, n)). The learning rate follows a cosine over --plan-minutes of training in total.

    /usr/bin/python3 models/sr/train/train.py --minutes 50
    /usr/bin/python3 models/sr/train/train.py --minutes 10      # resumes, then the LR floor
"""
import argparse
import csv
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import net as nets
from degrade import degrade

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data'))


def data_root():
    root = os.environ.get('KIND_PIPE_DATA', DATA)
    if not os.path.exists(os.path.join(root, 'pristine', 'MANIFEST.tsv')):
        raise SystemExit(f'{root}/pristine/MANIFEST.tsv not found: set KIND_PIPE_DATA to the shared data folder')
    return root


def split_files(split):
    root = data_root()
    with open(os.path.join(root, 'pristine', 'MANIFEST.tsv')) as f:
        rows = [r for r in csv.DictReader(f, delimiter='\t') if r['split'] == split]
    return [os.path.join(root, r['file']) for r in rows]


def load_images(paths, min_side):
    out = []
    for p in paths:
        img = np.asarray(Image.open(p).convert('RGB'))
        if min(img.shape[:2]) >= min_side:
            out.append(img)
    return out


def batch(images, rng, size, patch, scale):
    """`size` (LR, HR) patch pairs as NCHW float tensors in 0..1, flipped/rotated at random."""
    lrs, hrs = [], []
    hp = patch * scale
    for _ in range(size):
        img = images[int(rng.integers(0, len(images)))]
        y = int(rng.integers(0, img.shape[0] - hp + 1))
        x = int(rng.integers(0, img.shape[1] - hp + 1))
        hr = img[y:y + hp, x:x + hp]
        k = int(rng.integers(0, 4))
        hr = np.rot90(hr, k)
        if rng.random() < 0.5:
            hr = hr[:, ::-1]
        lr, hr, _ = degrade(np.ascontiguousarray(hr), rng, scale)
        lrs.append(lr)
        hrs.append(hr)
    t = lambda a: torch.from_numpy(np.stack(a)).permute(0, 3, 1, 2).float().div_(255.0)
    return t(lrs), t(hrs)


def val_set(scale, count, crop, seed):
    """Fixed validation pairs: centre crops of the first `count` pristine/val images."""
    pairs = []
    for i, img in enumerate(load_images(split_files('val')[:count], 2 * scale)):
        h = min(crop, img.shape[0]) // scale * scale
        w = min(crop, img.shape[1]) // scale * scale
        y, x = (img.shape[0] - h) // 2, (img.shape[1] - w) // 2
        rng = np.random.default_rng([seed, 1000 + i])
        lr, hr, _ = degrade(np.ascontiguousarray(img[y:y + h, x:x + w]), rng, scale)
        pairs.append(tuple(torch.from_numpy(a).permute(2, 0, 1)[None].float() / 255.0 for a in (lr, hr)))
    return pairs


def psnr(a, b, border):
    a, b = a.clamp(0, 1), b
    if border:
        a, b = a[..., border:-border, border:-border], b[..., border:-border, border:-border]
    mse = F.mse_loss((a * 255).round(), b * 255).item()
    return 10 * math.log10(255 ** 2 / max(mse, 1e-10))


@torch.no_grad()
def validate(net, pairs, scale):
    net.eval()
    ours, bic = [], []
    for lr, hr in pairs:
        ours.append(psnr(net(lr), hr, scale))
        bic.append(psnr(F.interpolate(lr, scale_factor=scale, mode='bicubic', align_corners=False), hr, scale))
    net.train()
    return float(np.mean(ours)), float(np.mean(bic))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scale', type=int, default=2)
    ap.add_argument('--minutes', type=float, default=50.0, help='training time for this run')
    ap.add_argument('--plan-minutes', type=float, default=55.0, help='total training time the cosine LR spans')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--patch', type=int, default=48, help='LR patch size')
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--lr-min', type=float, default=5e-5)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--save-every', type=int, default=500)
    ap.add_argument('--val-every', type=int, default=1000)
    ap.add_argument('--limit-images', type=int, default=0, help='use only the first N training images (smoke runs)')
    ap.add_argument('--run', default='', help='run folder under runs/ (default x<scale>)')
    ap.add_argument('--init', default='', help="start from this checkpoint's weights (fresh optimiser and schedule) when the run has none")
    ap.add_argument('--loss', choices=['l1', 'l2'], default='l1', help='l2 for a PSNR-oriented fine-tune after l1 training')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--blocks', type=int, default=3, help='residual blocks; with --init from a shallower net the extra ones start as the identity')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = os.path.join(HERE, 'runs', args.run or f'x{args.scale}')
    os.makedirs(run, exist_ok=True)
    ckpt_path = os.path.join(run, 'latest.pt')
    log = open(os.path.join(run, 'log.txt'), 'a')

    def say(msg):
        line = f'{time.strftime("%H:%M:%S")} {msg}'
        print(line, flush=True)
        log.write(line + '\n')
        log.flush()

    net = nets.build(args.scale, blocks=args.blocks)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    step, minutes_before = 0, 0.0
    origin = 0.0  # training minutes at which this run's learning-rate schedule starts
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location='cpu')
        net.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        step, minutes_before, origin = ck['step'], ck['minutes'], ck.get('origin', 0.0)
        say(f'resumed {ckpt_path} at step {step}, {minutes_before:.1f} min trained')
    elif args.init:
        ck = torch.load(args.init, map_location='cpu')
        nets.deepen_from(net, ck['model'])
        step, minutes_before = ck['step'], ck['minutes']
        origin = minutes_before
        say(f'initialised from {args.init} (step {ck["step"]}, {ck["minutes"]:.1f} min); its training continues in this run')

    t0 = time.time()
    paths = split_files('train')
    if args.limit_images:
        paths = paths[:args.limit_images]
    images = load_images(paths, 2 * args.patch * args.scale)
    pairs = val_set(args.scale, 12, 256, args.seed)
    say(f'{len(images)} training images, {len(pairs)} val crops loaded in {time.time() - t0:.0f} s; '
        f'{nets.count_params(net)} params')

    def save():
        torch.save({'model': net.state_dict(), 'opt': opt.state_dict(), 'step': step,
                    'minutes': minutes_before + (time.time() - start) / 60, 'scale': args.scale,
                    'origin': origin, 'args': vars(args)}, ckpt_path + '.tmp')
        os.replace(ckpt_path + '.tmp', ckpt_path)

    start = time.time()
    loss_sum, n = 0.0, 0
    if step == 0 or (args.init and minutes_before == origin):
        say('val psnr net %.2f bicubic %.2f (%s)' % (validate(net, pairs, args.scale) + ('from --init' if args.init else 'untrained',)))
    while (time.time() - start) / 60 < args.minutes:
        progress = min(1.0, (minutes_before - origin + (time.time() - start) / 60) / args.plan_minutes)
        lr = args.lr_min + (args.lr - args.lr_min) * 0.5 * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g['lr'] = lr
        rng = np.random.default_rng([args.seed, step])
        x, y = batch(images, rng, args.batch, args.patch, args.scale)
        loss = F.l1_loss(net(x), y) if args.loss == 'l1' else F.mse_loss(net(x), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 0.5)
        opt.step()
        step += 1
        loss_sum += loss.item()
        n += 1
        if step % 100 == 0:
            say(f'step {step} loss {loss_sum / n:.4f} lr {lr:.2e} '
                f'min {minutes_before + (time.time() - start) / 60:.1f}')
            loss_sum, n = 0.0, 0
        if step % args.save_every == 0:
            save()
        if step % args.val_every == 0:
            say('val psnr net %.2f bicubic %.2f' % validate(net, pairs, args.scale))
    save()
    say('done step %d; val psnr net %.2f bicubic %.2f' % ((step,) + validate(net, pairs, args.scale)))


if __name__ == '__main__':
    main()
