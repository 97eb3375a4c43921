"""kind-fast: a real-time low-light backbone (curve estimation at reduced resolution).

    /usr/bin/python3 fast.py train --minutes 40 --resume
    /usr/bin/python3 fast.py export            # runs/latest.pt -> ../weights/kind-fast.onnx

Design (why, in numbers: models/fast/MODEL_CARD.md). A full-resolution network cannot reach
25 fps at 1280x720 on two cores, so everything learned runs at 1/4 resolution:

    low  = avgpool4(x)                        # 320x180 for 720p; also a 4x4 noise average
    sd   = std of x in each 4x4 block         # noise + texture, invisible in `low`
    f    = small CNN(low, sd) + global context  # depthwise-separable, ~3.4 k parameters
    a, w = tanh/sigmoid heads                 # curve strength per pixel and channel; detail weight
    y    = LE^8(low; a)                       # Zero-DCE++ curve LE(y) = y + a*y*(1-y), 8 times
    gain = y / low                            # per-pixel, per-channel gain (white balance included)
    P, Q = gain * w, gain * (1 - w) * low     # a local affine model, as in bilateral-grid methods
    out  = up(P) * x + up(Q)                  # the only full-resolution work: resize, multiply-add

Where the frame is flat and noisy, w -> 0 and the output is the brightened 4x4 average; at
edges and texture w -> 1 keeps the detail. Unlike Zero-DCE++ it is trained supervised on the project's synthetic night pairs (degrade.py),
because zero-reference losses leave the noise in (Zero-DCE: 15.8 dB on noisy night pairs; models/fast/MODEL_CARD.md).
"""
import argparse
import csv
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'kind', 'train'))
from degrade import degrade  # noqa: E402
from train import Pairs, load_images, psnr, run_logger, save, ssim, to_tensor  # noqa: E402

WEIGHTS = os.path.join(HERE, '..', 'weights')
RUN = os.path.join(HERE, 'runs')
ITERATIONS = 8
EPS = 1.0 / 255


class DwSep(nn.Module):
    def __init__(self, c, dilation=1):
        super().__init__()
        self.dw = nn.Conv2d(c, c, 3, padding=dilation, dilation=dilation, groups=c)
        self.pw = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return F.relu(self.pw(self.dw(x)))


class FastCurve(nn.Module):
    """Input: float NCHW 0..1; output the same size, 0..1."""

    def __init__(self, c=16, down=4):
        super().__init__()
        self.down = down
        self.stem = nn.Conv2d(6, c, 3, padding=1)
        self.body = nn.ModuleList([DwSep(c, 1), DwSep(c, 2), DwSep(c, 4), DwSep(c, 1)])
        self.glob = nn.Sequential(nn.Conv2d(c + 3, c, 1), nn.ReLU(), nn.Conv2d(c, c, 1))
        self.head = nn.Conv2d(c, 4, 3, padding=1)

    def affine(self, low, spread):
        """Per-pixel gain P and offset Q at low resolution: out = up(P) * x + up(Q).

        `spread` is the standard deviation inside each pooled block: noise plus texture, which the
        pooled image alone cannot show; it tells the net how much to denoise, and how dark the
        exposure was (the darker, the noisier after the camera's gain)."""
        f = F.relu(self.stem(torch.cat([low, 4 * spread], 1)))
        for i, block in enumerate(self.body):
            f = block(f) + f
            if i == 1:  # exposure and colour cast are image-wide: mix in global statistics
                g = torch.cat([f.mean(dim=(2, 3), keepdim=True), low.mean(dim=(2, 3), keepdim=True)], 1)
                f = F.relu(f + self.glob(g))
        h = self.head(f)
        a, w = torch.tanh(h[:, :3]), torch.sigmoid(h[:, 3:4])
        y = low
        for _ in range(ITERATIONS):
            y = y + a * y * (1 - y)
        gain = y / torch.clamp(low, min=EPS)
        return gain * w, gain * (1 - w) * low

    def pooled(self, x, unit=1.0):
        """The block mean and the block standard deviation of x / unit, at 1/down resolution."""
        low = F.avg_pool2d(x, self.down, ceil_mode=True) / unit
        square = F.avg_pool2d(x * x, self.down, ceil_mode=True) / (unit * unit)
        return low, torch.sqrt(torch.clamp(square - low * low, min=0) + 1e-6)

    def forward(self, x):
        p, q = self.affine(*self.pooled(x))
        size = x.shape[-2:]
        up = F.interpolate(torch.cat([p, q], 1), size=size, mode='bilinear', align_corners=False)
        return torch.clamp(up[:, :3] * x + up[:, 3:], 0, 1)


class Uint8Io(nn.Module):
    """The shipped graph: uint8 NHWC RGB frame in, uint8 NHWC out, so the stage copies nothing.

    Same arithmetic as FastCurve.forward with the 0..255 scale folded into the low-resolution
    maps, so that full resolution costs a transpose, a cast, the pooling, two resizes, a
    multiply-add and a cast back (rounding: +0.5 then the cast's truncation)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, frame):
        x = frame.permute(0, 3, 1, 2).float()
        p, q = self.net.affine(*self.net.pooled(x, 255.0))
        size = x.shape[-2:]
        p = F.interpolate(p, size=size, mode='bilinear', align_corners=False)
        q = F.interpolate(q * 255.0 + 0.5, size=size, mode='bilinear', align_corners=False)
        return torch.clamp(p * x + q, 0, 255.49).to(torch.uint8).permute(0, 2, 3, 1)


def count(net):
    return sum(p.numel() for p in net.parameters())


def val_set(count_=16, crop=256):
    """Centre crops of the first val photos, alternately mild and severe, fixed seeds."""
    out = []
    for k, img in enumerate(load_images('val', count_)):
        h, w = img.shape[:2]
        s = min(crop, h, w)
        c = np.ascontiguousarray(img[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s])
        low, _ = degrade(c, np.random.default_rng(1000 + k), ['mild', 'severe'][k % 2])
        out.append((to_tensor([low]), to_tensor([c])))
    return out


def validate(net, val):
    net.eval()
    with torch.no_grad():
        res = {'mild': [], 'severe': []}
        for k, (low, high) in enumerate(val):
            out = net(low)
            res[['mild', 'severe'][k % 2]].append((psnr(out, high), float(ssim(out, high))))
    net.train()
    return {f'{s}_{m}': round(float(np.mean([r[i] for r in v])), 3)
            for s, v in res.items() for i, m in enumerate(['psnr', 'ssim'])}


def train(args):
    torch.set_num_threads(args.threads)
    os.makedirs(RUN, exist_ok=True)
    say = run_logger(RUN)

    torch.manual_seed(args.seed)
    net = FastCurve()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    rng = np.random.default_rng([args.seed, 7])
    step, minutes = 0, 0.0
    ckpt = os.path.join(RUN, 'latest.pt')
    if args.resume and os.path.exists(ckpt):
        ck = torch.load(ckpt, map_location='cpu')
        net.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        step, minutes = ck['step'], ck['minutes']
        rng.bit_generator.state = ck['np_rng']
        torch.set_rng_state(ck['torch_rng'])
        random.setstate(ck['py_rng'])
        say(f'resumed at step {step} ({minutes:.1f} min)')
    if minutes >= args.minutes:
        say(f'budget of {args.minutes} min already spent')
        return 0
    pairs = Pairs(load_images('train'), rng, stretched=False)
    val = val_set()
    csv_path = os.path.join(RUN, 'val.csv')
    say(f'kind-fast: {count(net)} params, batch {args.batch}, patch {args.patch}, lr {args.lr}, budget {args.minutes} min')

    def checkpoint():
        save(ckpt, model=net.state_dict(), opt=opt.state_dict(), step=step, minutes=minutes,
             np_rng=rng.bit_generator.state, torch_rng=torch.get_rng_state(), py_rng=random.getstate())
        m = validate(net, val)
        new = not os.path.exists(csv_path)
        with open(csv_path, 'a', newline='') as f:
            w = csv.writer(f)
            if new:
                w.writerow(['step', 'minutes', *m])
            w.writerow([step, round(minutes, 2), *m.values()])
        say(f'val step {step}: ' + ' '.join(f'{k}={v}' for k, v in m.items()))

    if step == 0:
        checkpoint()
    last, window, sums = time.time(), time.time(), [0.0, 0.0, 0]
    while minutes < args.minutes:
        t0 = time.time()
        # Cosine decay over the whole budget, so a resumed run continues the same schedule.
        for g in opt.param_groups:
            g['lr'] = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(minutes / args.minutes, 1))))
        low, high = pairs.batch(args.batch, args.patch)
        out = net(low)
        l1 = (out - high).abs().mean()
        s = ssim(out, high)
        loss = l1 + 0.2 * (1 - s)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if not math.isfinite(float(loss)):
            raise SystemExit(f'loss is {float(loss)} at step {step}')
        step += 1
        minutes += (time.time() - t0) / 60
        sums[0] += float(l1)
        sums[1] += float(s)
        sums[2] += 1
        if sums[2] == 50:
            say(f'step {step} l1={sums[0] / 50:.4f} ssim={sums[1] / 50:.4f} '
                f'{50 / (time.time() - window):.2f} steps/s, {minutes:.1f} min')
            window, sums = time.time(), [0.0, 0.0, 0]
        if time.time() - last > args.ckpt_every * 60:
            checkpoint()
            last = time.time()
    checkpoint()
    say(f'stopped at step {step}, {minutes:.1f} min')
    return 0


def export(args):
    import json

    from onnx_weights import export_fp16, sha256

    ck = torch.load(os.path.join(RUN, 'latest.pt'), map_location='cpu')
    net = FastCurve()
    net.load_state_dict(ck['model'])
    net.eval()
    wrapped = Uint8Io(net).eval()
    os.makedirs(WEIGHTS, exist_ok=True)
    path = os.path.join(WEIGHTS, 'kind-fast.onnx')
    dummy = torch.randint(0, 256, (1, 90, 160, 3), dtype=torch.uint8)
    export_fp16(wrapped, dummy, path + '.tmp', ['frame'], ['enhanced'],
                {'frame': {1: 'H', 2: 'W'}, 'enhanced': {1: 'H', 2: 'W'}}, 'kind-pipe models/fast/train/fast.py')
    os.replace(path + '.tmp', path)
    digest = sha256(path)
    m = validate(net, val_set())
    manifest = {
        'format': 'onnx opset 13, batch 1, dynamic H and W, uint8 NHWC RGB in and out, fp16 initializers cast to fp32',
        'models': {'kind-fast': {'image': {
            'file': 'kind-fast.onnx', 'role': 'image', 'params': count(net),
            'task': 'enhancement',
            'description': 'real-time low-light backbone: curves and a denoising blend estimated at 1/4 resolution, '
                           'applied at full resolution (for live viewing)',
            'license': 'weights trained by kind-pipe (MIT); training data licences in models/fast/MODEL_CARD.md',
            'contract': {'layout': 'NHWC', 'range': '0..255', 'order': 'rgb', 'dtype': 'uint8', 'multiple': 1, 'scale': 1,
                         'global': 'whole'},
            'inputs': [{'name': 'frame', 'dtype': 'uint8', 'shape': [1, 'H', 'W', 3]}],
            'outputs': [{'name': 'enhanced', 'dtype': 'uint8', 'shape': [1, 'H', 'W', 3]}],
            'trained': True, 'steps': ck['step'], 'minutes': round(ck['minutes'], 1),
            'source': 'train/runs/latest.pt',
            'data': 'synthetic night pairs from shared/data/pristine/train: BSDS500, Sun-Hays80, Debian photos',
            'validation': m,
            'exported': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            'sha256': digest,
        }}},
    }
    with open(os.path.join(WEIGHTS, 'manifest.json.tmp'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    os.replace(os.path.join(WEIGHTS, 'manifest.json.tmp'), os.path.join(WEIGHTS, 'manifest.json'))
    print(f'exported {path} ({os.path.getsize(path)} bytes, step {ck["step"]}) {m}')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('command', choices=['train', 'export', 'params'])
    ap.add_argument('--minutes', type=float, default=40, help='training minutes, counted across resumed runs')
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--patch', type=int, default=192)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--ckpt-every', type=float, default=4.0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args()
    if args.command == 'params':
        print(count(FastCurve()))
        return 0
    return train(args) if args.command == 'train' else export(args)


if __name__ == '__main__':
    raise SystemExit(main())
