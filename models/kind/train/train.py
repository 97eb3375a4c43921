"""Stage-wise KinD training on CPU (decom -> illum -> restore), seeded and resumable.

    /usr/bin/python3 train.py --stage decom --minutes 15 --resume
    /usr/bin/python3 train.py --stage illum --minutes 6 --resume
    /usr/bin/python3 train.py --stage restore --width lite --minutes 35 --resume

Pairs are made on the fly: a random crop of a photo from shared/data/pristine/train
(flipped/rotated) is the normal image and degrade() of that crop is the low one.
Both are min-max stretched as at inference. Later stages use the frozen Decom
checkpoint (or --decom-onnx). Writes runs/<stage>/{latest.pt,train.log,val.csv}.
"""
import argparse
import copy
import csv
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import nets
from degrade import degrade, night_pair
from onnx_weights import load_onnx_into

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data', 'pristine'))
WEIGHTS = os.path.join(HERE, '..', 'weights')
SHIPPED = {'decom': 'kind-decom.onnx', 'illum': 'kind-illum.onnx', 'illum-lite': 'kind-lite-illum.onnx',
           'restore-full': 'kind-restore.onnx', 'restore-lite': 'kind-lite-restore.onnx',
           'exposure': 'kind-exposure.onnx'}
RATIO_RANGE = (0.5, 20.0)  # what kind.illumination takes (plugins/kind/illumination.ts)
VAL_CROP = 192
VAL_IMAGES = 8


def stretch(x):
    """Per-image min-max stretch of the inference recipe; x: [N,C,H,W]."""
    lo = x.amin(dim=(1, 2, 3), keepdim=True)
    hi = x.amax(dim=(1, 2, 3), keepdim=True)
    return (x - lo) / torch.clamp(hi - lo, min=0.001)


def to_tensor(batch_uint8):
    return torch.from_numpy(np.stack(batch_uint8)).permute(0, 3, 1, 2).float() / 255.0


def load_images(split, limit=None):
    folder = os.path.join(DATA, split)
    if not os.path.isdir(folder):
        raise SystemExit(f'missing training data: {folder} (see shared/data/README.md)')
    names = sorted(os.listdir(folder))[:limit]
    return [np.asarray(Image.open(os.path.join(folder, n)).convert('RGB')) for n in names]


class Pairs:
    """Random (low, normal) patch batches; all randomness from one numpy Generator.

    Stretched as at KinD's inference by default; `stretched=False` gives the frames as the camera
    and the photo are (models/fast trains on those). With `lights` > 0 that share of the pairs
    holds light sources (degrade.night_pair: the lit photo is the normal image)."""

    def __init__(self, images, rng, stretched=True, raw_normal=False, lights=0.0, neutral_wb=0.0):
        self.images, self.rng, self.stretched, self.raw_normal = images, rng, stretched, raw_normal
        self.lights, self.neutral_wb = lights, neutral_wb

    def batch(self, n, size):
        lows, highs = [], []
        for _ in range(n):
            img = self.images[self.rng.integers(len(self.images))]
            h, w = img.shape[:2]
            s = min(size, h, w)
            y, x = self.rng.integers(h - s + 1), self.rng.integers(w - s + 1)
            crop = np.rot90(img[y:y + s, x:x + s], self.rng.integers(4))
            if self.rng.random() < 0.5:
                crop = crop[:, ::-1]
            crop = np.ascontiguousarray(crop)
            if s < size:  # a photo smaller than the patch: tile it up to size
                crop = np.pad(crop, ((0, size - s), (0, size - s), (0, 0)), mode='reflect')
            if self.lights and self.rng.random() < self.lights:
                crop, low, _ = night_pair(crop, self.rng)
            else:
                neutral = bool(self.neutral_wb) and self.rng.random() < self.neutral_wb
                low, _ = degrade(crop, self.rng, neutral_wb=neutral)
            lows.append(low)
            highs.append(crop)
        if not self.stretched:
            return to_tensor(lows), to_tensor(highs)
        if self.raw_normal:  # the photo as the benchmark scores against it (end-to-end loss)
            return stretch(to_tensor(lows)), to_tensor(highs)
        return stretch(to_tensor(lows)), stretch(to_tensor(highs))


def centre_crop(img, size):
    """The centre square of an HxWxC array, at most `size` px a side."""
    h, w = img.shape[:2]
    s = min(size, h, w)
    return np.ascontiguousarray(img[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s])


def val_set():
    """Fixed crops of the first val photos, alternately mild and severe, fixed seeds."""
    lows, highs, raw = [], [], []
    for k, img in enumerate(load_images('val', VAL_IMAGES)):
        crop = centre_crop(img, VAL_CROP)
        low, _ = degrade(crop, np.random.default_rng(1000 + k), ['mild', 'severe'][k % 2])
        lows.append(stretch(to_tensor([low])))
        highs.append(stretch(to_tensor([crop])))
        raw.append(to_tensor([crop]))
    return lows, highs, raw


# ---- losses ---------------------------------------------------------------

def grads(x):
    """|d/dx|, |d/dy| padded back to x's size."""
    gx = F.pad((x[..., :, 1:] - x[..., :, :-1]).abs(), (0, 1, 0, 0))
    gy = F.pad((x[..., 1:, :] - x[..., :-1, :]).abs(), (0, 0, 0, 1))
    return gx, gy


def gray(x):
    return (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3])


def smooth_loss(i, img):
    """Structure-aware smoothness: illumination gradients cost less at image edges."""
    ix, iy = grads(i)
    gx, gy = grads(gray(img))
    return (ix * torch.exp(-10 * gx) + iy * torch.exp(-10 * gy)).mean()


def mutual_loss(i_low, i_high):
    """Mutual consistency: both illuminations share strong edges, are flat elsewhere."""
    lx, ly = grads(i_low)
    hx, hy = grads(i_high)
    mx, my = lx + hx, ly + hy
    return (mx * torch.exp(-10 * mx) + my * torch.exp(-10 * my)).mean()


def grad_loss(a, b):
    ax, ay = grads(a)
    bx, by = grads(b)
    return ((ax - bx) ** 2 + (ay - by) ** 2).mean()


def ssim(a, b):
    """Mean SSIM with an 11-tap Gaussian window (sigma 1.5), per channel."""
    t = torch.arange(11, dtype=a.dtype) - 5
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


def psnr(a, b):
    return float(10 * torch.log10(1.0 / F.mse_loss(a.clamp(0, 1), b).clamp(min=1e-10)))


def recipe(x, r, i, r_restored, i_adjusted):
    """The KinD inference recipe (the official evaluate.py; models/kind/MODEL_CARD.md) from the networks' outputs."""
    k = torch.arange(-9, 10, dtype=x.dtype)
    g = torch.exp(-k ** 2 / 18.0)
    g = (g / g.sum())
    sm = F.conv2d(F.pad(gray(r), (9, 9, 9, 9), mode='replicate'), (g[:, None] * g[None, :])[None, None])
    w = torch.clamp(torch.sqrt(2 * sm), max=1.0)
    fused = r_restored * w * i_adjusted
    return i * x + (1 - i) * fused


# ---- stages ---------------------------------------------------------------

class Stage:
    """Shared by the three stages: the trained net, its loss and its validation."""

    def __init__(self, args):
        self.args = args
        self.decom = None
        if args.stage != 'decom':
            self.decom = frozen('decom', args.decom_onnx)

    def name(self):
        if self.args.run:
            return self.args.run
        if self.args.stage != 'restore':
            return self.args.stage
        return f'restore-{self.args.width}' + {'stage': '', 'final': '-final', 'joint': '-joint'}[self.args.loss]

    def build(self):
        return nets.build(self.args.stage, self.args.width)


def frozen(stage, onnx_path=None, run=None):
    """A trained, frozen net: its checkpoint (runs/<run or stage>/), else its shipped ONNX file.
    An Illumination net trained jointly (--loss joint) comes from that run: frozen('illum', run=...)."""
    width = stage.split('-')[1] if '-' in stage else 'full'
    net = nets.build(stage.split('-')[0], width)
    ckpt = os.path.join(HERE, 'runs', run or stage, 'latest.pt')
    if run and not os.path.exists(ckpt):
        raise SystemExit(f'no checkpoint {ckpt} (runs/ holds {", ".join(sorted(os.listdir(os.path.dirname(os.path.dirname(ckpt)))))})')
    if os.path.exists(ckpt) and not onnx_path:
        ck = torch.load(ckpt, map_location='cpu')
        net.load_state_dict(trained_weights(ck, 'illum' if stage.startswith('illum') and 'illum' in ck else 'model'))
    else:
        load_onnx_into(net, onnx_path or os.path.join(WEIGHTS, SHIPPED[stage]))
    net.eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def trained_weights(ck, key='model'):
    """A checkpoint's weights for `key` ('model', or 'illum' of a joint run): the average when
    trained with --ema, else the last step's."""
    return ck.get(f'ema_{key}', ck[key])


def shipped_networks():
    """weights/manifest.json's network entries ({} before the first export)."""
    manifest = os.path.join(WEIGHTS, 'manifest.json')
    return json.load(open(manifest)).get('networks', {}) if os.path.exists(manifest) else {}


def is_trained(stage):
    """Whether a checkpoint or a shipped, trained ONNX file exists for `stage`."""
    if os.path.exists(os.path.join(HERE, 'runs', stage, 'latest.pt')):
        return True
    return shipped_networks().get(stage, {}).get('trained', False)


def decom_loss(net, low, high, _):
    r_l, i_l = net(low)
    r_h, i_h = net(high)
    recon = (r_l * i_l - low).abs().mean() + (r_h * i_h - high).abs().mean()
    equal_r = (r_l - r_h).abs().mean()
    loss = (recon + 0.05 * equal_r + 0.2 * mutual_loss(i_l, i_h)
            + 0.15 * (smooth_loss(i_l, low) + smooth_loss(i_h, high)))
    return loss, {'recon': float(recon), 'equal_r': float(equal_r)}


def illum_pairs(decom, low, high, rng):
    """(I_in, ratio, I_target) for the Illumination stage from a batch of image pairs."""
    with torch.no_grad():
        _, i_l = decom(low)
        _, i_h = decom(high)
    return knob_pairs(i_l, i_h, rng)


def knob_pairs(i_l, i_h, rng):
    """(I_in, ratio, I_target): low->normal, or swapped 30 % of the time so a ratio below 1
    darkens; the ratio is mean(I_target)/mean(I_in) per sample. After the min-max stretch
    the natural ratio is only ~1-2, so half the targets are brightened further by a power
    (I**g, g in 0.3-1; smooth, keeps edges) to teach ratios up to ~4."""
    n = len(i_l)
    swap = torch.from_numpy(rng.random(n) < 0.3).view(-1, 1, 1, 1)
    i_in = torch.where(swap, i_h, i_l)
    i_tgt = torch.where(swap, i_l, i_h)
    gamma = np.where(rng.random(n) < 0.5, rng.uniform(0.3, 1.0, n), 1.0)
    i_tgt = i_tgt.clamp(min=1e-4) ** torch.from_numpy(gamma).float().view(-1, 1, 1, 1)
    ratio = i_tgt.mean(dim=(1, 2, 3)) / i_in.mean(dim=(1, 2, 3)).clamp(min=1e-3)
    return i_in, ratio, i_tgt


def illum_loss(net, low, high, ctx):
    i_in, ratio, i_tgt = illum_pairs(ctx['decom'], low, high, ctx['rng'])
    out = net(i_in, ratio)
    mse = F.mse_loss(out, i_tgt)
    loss = mse + grad_loss(out, i_tgt)
    return loss, {'mse': float(mse), 'ratio_mean': float(ratio.mean())}


def restore_loss(net, low, high, ctx):
    with torch.no_grad():
        r_l, i_l = ctx['decom'](low)
        r_h, _ = ctx['decom'](high)
    with torch.autocast('cpu', torch.bfloat16, enabled=ctx['bf16']):
        out = net(r_l, i_l)
    out = out.float()
    mse = F.mse_loss(out, r_h)
    s = ssim(out, r_h)
    loss = mse + (1 - s) + grad_loss(out, r_h)
    return loss, {'mse': float(mse), 'ssim': float(s)}


def pair_ratio(i_low, i_normal):
    """The brightening ratio a pair asks for: mean(I_normal) / mean(I_low) per sample, in the
    range kind.illumination takes. kind-exposure.onnx learns to predict it from I_low alone."""
    return (i_normal.mean(dim=(1, 2, 3)) / i_low.mean(dim=(1, 2, 3)).clamp(min=1e-3)).clamp(*RATIO_RANGE)


def learned_ratio(exposure, i):
    """The ratio of kind.illumination `mode: learned` (compensation 1) for one frame's I."""
    return torch.exp(exposure(i)).clamp(*RATIO_RANGE)


def illum_knob_loss(illum, i_l, i_h, rng):
    """The Illumination stage's own loss on pairs made from I_low/I_normal already computed
    (random ratios, swapped directions, gamma-brightened targets), so that training it end to end
    at the pair ratio keeps the ratio knob meaning what it meant for every other ratio."""
    i_in, ratio, i_tgt = knob_pairs(i_l, i_h, rng)
    out = illum(i_in, ratio)
    return F.mse_loss(out, i_tgt) + grad_loss(out, i_tgt)


def final_loss(net, low, photo, ctx):
    """End-to-end Restoration loss: the shipped output R'·I' (I' from the frozen Illumination
    net at the pair's own ratio) against the photo itself, plus a tenth of the stage-wise loss
    against R_normal so that R' stays a reflectance. Lets R' absorb what the frozen Decom and
    Illumination nets get wrong (colour, highlights) instead of matching an imperfect R_normal."""
    joint = ctx.get('joint', False)
    with torch.no_grad():
        r_l, i_l = ctx['decom'](low)
        r_h, i_h = ctx['decom'](stretch(photo))
    with torch.set_grad_enabled(joint):
        i_adj = ctx['illum'](i_l, pair_ratio(i_l, i_h))
    with torch.autocast('cpu', torch.bfloat16, enabled=ctx['bf16']):
        out = net(r_l, i_l)
    out = out.float()
    fused = out * i_adj
    mse = F.mse_loss(fused, photo)
    s = ssim(fused, photo)
    stagewise = F.mse_loss(out, r_h) + (1 - ssim(out, r_h))
    loss = mse + (1 - s) + grad_loss(fused, photo) + 0.1 * stagewise
    if joint:
        loss = loss + 0.1 * illum_knob_loss(ctx['illum'], i_l, i_h, ctx['rng'])
    return loss, {'mse': float(mse), 'ssim': float(s)}


LOSSES = {'decom': decom_loss, 'illum': illum_loss, 'restore': restore_loss, 'final': final_loss}


@torch.no_grad()
def validate(stage, net, val, ctx):
    """Per-stage metrics on the fixed val crops (PSNR in dB)."""
    lows, highs, raws = val
    net.eval()
    m = {}
    acc = {}

    def add(k, v):
        acc.setdefault(k, []).append(v)

    for low, high, raw in zip(lows, highs, raws):
        if stage == 'decom':
            r_l, i_l = net(low)
            r_h, i_h = net(high)
            add('psnr_recon_low', psnr(r_l * i_l, low))
            add('psnr_recon_normal', psnr(r_h * i_h, high))
            add('psnr_r_low_vs_r_normal', psnr(r_l, r_h))
            add('mean_i_low', float(i_l.mean()))
            add('mean_i_normal', float(i_h.mean()))
        elif stage == 'illum':
            r_l, i_l = ctx['decom'](low)
            _, i_h = ctx['decom'](high)
            ratio = (i_h.mean() / i_l.mean().clamp(min=1e-3)).view(1)
            add('psnr_i_adjusted_vs_i_normal', psnr(net(i_l, ratio), i_h))
            add('psnr_i_low_vs_i_normal', psnr(i_l, i_h))
        else:
            r_l, i_l = ctx['decom'](low)
            r_h, _ = ctx['decom'](high)
            r_out = net(r_l, i_l)
            add('psnr_r_restored_vs_r_normal', psnr(r_out, r_h))
            add('psnr_r_low_vs_r_normal', psnr(r_l, r_h))
            if ctx.get('illum') is not None:
                _, i_h = ctx['decom'](high)
                i_adj = ctx['illum'](i_l, pair_ratio(i_l, i_h))
                add('psnr_product_pair_ratio', psnr(r_out * i_adj, raw))
                for tag, ratio in (('oracle_ratio', i_h.mean() / i_l.mean().clamp(min=1e-3)),
                                   ('ratio5', torch.tensor(5.0))):
                    i_adj = ctx['illum'](i_l, ratio.view(1))
                    add(f'psnr_recipe_{tag}', psnr(recipe(low, r_l, i_l, r_out, i_adj), raw))
    for k, v in acc.items():
        m[k] = round(float(np.mean(v)), 4)
    net.train()
    return m


def run_logger(folder):
    """A `say(msg)` that prints a timestamped line and appends it to folder/train.log."""
    log = open(os.path.join(folder, 'train.log'), 'a', buffering=1)

    def say(msg):
        line = time.strftime('%Y-%m-%d %H:%M:%S ') + msg
        print(line, flush=True)
        log.write(line + '\n')
    return say


def save(path, **state):
    tmp = path + '.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--stage', choices=['decom', 'illum', 'restore'], required=True)
    ap.add_argument('--width', choices=['full', 'lite'], default='full')
    ap.add_argument('--loss', choices=['stage', 'final', 'joint'], default='stage',
                    help="restore: 'stage' (R' against R_normal, as in the paper), 'final' "
                         "(R'·I' against the photo, runs/restore-<width>-final/) or 'joint' (the "
                         "same, training the Illumination net too, runs/restore-<width>-joint/)")
    ap.add_argument('--init-illum-from-onnx', help="joint: the Illumination net's starting weights "
                    "(default: the shipped kind-illum.onnx); final: the frozen Illumination net's file")
    ap.add_argument('--illum-lr', type=float, default=2e-4, help='joint: learning rate of the Illumination net')
    ap.add_argument('--lights', type=float, default=0.0,
                    help='share of the training pairs with light sources (degrade.night_pair), e.g. 0.3')
    ap.add_argument('--neutral-wb', type=float, default=0.0,
                    help='share of the training pairs whose white balance is drawn around neutral '
                         '(degrade neutral_wb) instead of warm street light, e.g. 0.5')
    ap.add_argument('--ema', type=float, default=0.0,
                    help='keep an exponential moving average of the weights with this decay (e.g. 0.998); '
                         'validation, export.py and frozen() then use the average')
    ap.add_argument('--minutes', type=float, required=True,
                    help='training minutes for this stage, counted across resumed runs')
    ap.add_argument('--steps', type=int, default=None, help='optional cap on total steps')
    ap.add_argument('--resume', action='store_true', help='continue from runs/<stage>/latest.pt')
    ap.add_argument('--run', help='the run folder under runs/ (default: from stage, width and loss), '
                                  'e.g. a copy of a shipped run to fine-tune beside it')
    ap.add_argument('--init-from-onnx', help='start from shipped weights when no checkpoint exists')
    ap.add_argument('--decom-onnx', help='frozen Decom weights from this ONNX file instead of runs/decom')
    ap.add_argument('--stop-after', type=float, default=None,
                    help='wall minutes for this invocation; exit 3 (checkpointed) if the budget is not spent')
    ap.add_argument('--deadline', help='wall-clock UTC time HH:MM to stop at (exit 4, checkpointed)')
    ap.add_argument('--batch', type=int, default=None)
    ap.add_argument('--patch', type=int, default=None)
    ap.add_argument('--lr', type=float, default=None)
    ap.add_argument('--bf16', type=int, default=1, help='bfloat16 autocast for restore (1/0)')
    ap.add_argument('--ckpt-every', type=float, default=3.0, help='minutes between checkpoint+val')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    stage = Stage(args)
    name = stage.name()
    run = os.path.join(HERE, 'runs', name)
    os.makedirs(run, exist_ok=True)
    say = run_logger(run)

    started = time.time()
    deadline = None
    if args.deadline:
        hh, mm = map(int, args.deadline.split(':'))
        now = time.gmtime(started)
        deadline = started + ((hh * 60 + mm) - (now.tm_hour * 60 + now.tm_min)) * 60 - now.tm_sec
        if deadline <= started:  # past midnight: 00:45 asked at 23:01 is tomorrow's
            deadline += 24 * 3600
    # Decom runs at full resolution (16 images per step), so it takes smaller batches.
    batch = args.batch or {'decom': 4, 'illum': 8, 'restore': 4}[args.stage]
    args.patch = args.patch or {'decom': 96, 'illum': 96, 'restore': 128}[args.stage]
    lr = args.lr or {'decom': 5e-4, 'illum': 5e-4, 'restore': 2e-4}[args.stage]
    torch.manual_seed(args.seed)
    net = stage.build()
    joint = args.stage == 'restore' and args.loss == 'joint'
    illum = nets.build('illum') if joint else None
    groups = [{'params': net.parameters(), 'lr': lr}]
    if joint:
        groups.append({'params': illum.parameters(), 'lr': args.illum_lr})
    opt = torch.optim.Adam(groups)
    illum_prior = {'steps': 0, 'minutes': 0.0}  # joint: the Illumination file's own history
    rng = np.random.default_rng([args.seed, ['decom', 'illum', 'restore'].index(args.stage)])
    step, minutes, prior = 0, 0.0, {'steps': 0, 'minutes': 0.0}
    ckpt_path = os.path.join(run, 'latest.pt')
    resumed = {}
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location='cpu')
        net.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        if args.lr:  # an explicit --lr overrides the checkpoint's (e.g. a lower one to settle)
            opt.param_groups[0]['lr'] = args.lr
        if joint:
            illum.load_state_dict(ck['illum'])
            illum_prior = ck['illum_prior']
            opt.param_groups[1]['lr'] = args.illum_lr
        resumed = ck
        step, minutes, prior = ck['step'], ck['minutes'], ck['prior']
        rng.bit_generator.state = ck['np_rng']
        torch.set_rng_state(ck['torch_rng'])
        random.setstate(ck['py_rng'])
        say(f'resumed {name} at step {step} ({minutes:.1f} min)')
    elif args.init_from_onnx:
        load_onnx_into(net, args.init_from_onnx)
        # carry the shipped file's training history forward
        e = shipped_networks().get(f'restore-{args.width}' if args.stage == 'restore' else name, {})
        if e.get('trained'):
            prior = {'steps': e['steps'], 'minutes': e['minutes']}
            step, minutes = prior['steps'], prior['minutes']
        say(f'initialised {name} from {args.init_from_onnx} (prior {prior})')
    if joint and not resumed:
        start = args.init_illum_from_onnx or os.path.join(WEIGHTS, SHIPPED['illum'])
        load_onnx_into(illum, start)
        shipped = {n['file']: n for n in shipped_networks().values()}.get(os.path.basename(start), {})
        if shipped.get('trained'):
            illum_prior = {'steps': shipped['steps'], 'minutes': shipped['minutes']}
        say(f'joint: Illumination net from {start} (prior {illum_prior})')
    if minutes - prior['minutes'] >= args.minutes or (args.steps and step >= args.steps):
        say(f'{name}: budget of {args.minutes} min already spent, nothing to do')
        return 0

    # The averaged weights (--ema): what validation scores and export.py ships, far steadier
    # between checkpoints than the raw weights at a fine-tuning learning rate.
    averaged = {}
    if args.ema:
        averaged['model'] = (net, copy.deepcopy(net))
        if joint:
            averaged['illum'] = (illum, copy.deepcopy(illum))
        for key, (_, avg) in averaged.items():
            if f'ema_{key}' in resumed:
                avg.load_state_dict(resumed[f'ema_{key}'])
            for p in avg.parameters():
                p.requires_grad_(False)
        say(f'weight averaging, decay {args.ema} ({"resumed" if "ema_model" in resumed else "from the current weights"})')

    def update_average():
        with torch.no_grad():
            for live, avg in averaged.values():
                for a, p in zip(avg.parameters(), live.parameters()):
                    a.mul_(args.ema).add_(p, alpha=1 - args.ema)

    say(f'loading data from {DATA}')
    final = args.stage == 'restore' and args.loss in ('final', 'joint')
    pairs = Pairs(load_images('train'), rng, raw_normal=final, lights=args.lights, neutral_wb=args.neutral_wb)
    val = val_set()
    ctx = {'decom': stage.decom, 'rng': rng, 'bf16': bool(args.bf16)}
    if joint:
        ctx['illum'], ctx['joint'] = illum, True
    elif args.stage == 'restore':
        # --init-illum-from-onnx: e.g. kind-lite-illum.onnx for kind-lite's Restoration
        ctx['illum'] = frozen('illum', args.init_illum_from_onnx) if args.init_illum_from_onnx or is_trained('illum') else None
    csv_path = os.path.join(run, 'val.csv')
    loss_fn = LOSSES['final' if final else args.stage]
    if final and ctx['illum'] is None:
        raise SystemExit('--loss final needs trained Illumination weights (runs/illum or the shipped file)')
    say(f'{name}: {nets.count_params(net)} params, batch {batch}, patch {args.patch}, lr {lr}, '
        f'budget {args.minutes} min, threads {args.threads}' + (f', {args.lights:.0%} of pairs with light sources' if args.lights else '')
        + (f', {args.neutral_wb:.0%} of pairs at neutral white balance' if args.neutral_wb else ''))

    def checkpoint_and_validate():
        save(ckpt_path, model=net.state_dict(), opt=opt.state_dict(), step=step, minutes=minutes,
             prior=prior, np_rng=rng.bit_generator.state, torch_rng=torch.get_rng_state(),
             py_rng=random.getstate(), args=vars(args),
             **({'illum': illum.state_dict(), 'illum_prior': illum_prior} if joint else {}),
             **{f'ema_{k}': avg.state_dict() for k, (_, avg) in averaged.items()})
        t = time.time()
        if args.ema:
            m = validate(args.stage, averaged['model'][1], val,
                         {**ctx, 'illum': averaged['illum'][1]} if joint else ctx)
        else:
            m = validate(args.stage, net, val, ctx)
        new = not os.path.exists(csv_path)
        with open(csv_path, 'a', newline='') as f:
            w = csv.writer(f)
            if new:
                w.writerow(['step', 'minutes', *m])
            w.writerow([step, round(minutes, 2), *m.values()])
        say(f'val step {step} ({time.time() - t:.1f}s): ' + ' '.join(f'{k}={v}' for k, v in m.items()))

    if step == 0 or not os.path.exists(csv_path):
        checkpoint_and_validate()
    net.train()
    last_ckpt = time.time()
    window_t, window_steps, sums = time.time(), 0, {}
    code = 0
    while minutes - prior['minutes'] < args.minutes and not (args.steps and step >= args.steps):
        if args.stop_after and time.time() - started > args.stop_after * 60:
            code = 3
            break
        if deadline and time.time() > deadline:
            code = 4
            break
        t0 = time.time()
        size = args.patch - 16 * int(rng.integers(0, 3)) if args.stage != 'restore' else args.patch
        low, high = pairs.batch(batch, size)
        loss, parts = loss_fn(net, low, high, ctx)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if args.ema:
            update_average()
        if not math.isfinite(float(loss)):
            raise SystemExit(f'loss is {float(loss)} at step {step}')
        step += 1
        minutes += (time.time() - t0) / 60
        window_steps += 1
        for k, v in {'loss': float(loss), **parts}.items():
            sums[k] = sums.get(k, 0.0) + v
        if window_steps == 50:
            rate = window_steps / (time.time() - window_t)
            say(f'step {step} ' + ' '.join(f'{k}={v / window_steps:.5f}' for k, v in sums.items())
                + f' {rate:.2f} steps/s, {minutes:.1f} min')
            window_t, window_steps, sums = time.time(), 0, {}
        if time.time() - last_ckpt > args.ckpt_every * 60:
            checkpoint_and_validate()
            last_ckpt = time.time()
    checkpoint_and_validate()
    why = {0: 'budget spent', 3: 'stop-after reached', 4: 'deadline reached'}[code]
    say(f'{name}: stopped at step {step}, {minutes:.1f} min ({why})')
    return code


if __name__ == '__main__':
    raise SystemExit(main())
