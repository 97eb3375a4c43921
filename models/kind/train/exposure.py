"""Trains kind-exposure (nets.ExposureNet), the learned auto-exposure of kind.illumination
`mode: learned`: from the illumination I of a dark frame alone, the log of the ratio that brings
it to the photo's brightness, log(mean(I_normal) / mean(I_low)) (retinex.pair_ratio, the ratio the
end-to-end Restoration loss trains with).

    /usr/bin/python3 models/kind/train/exposure.py features --threads 1   # resumable, ~3 s a photo
    /usr/bin/python3 models/kind/train/exposure.py fit                    # seconds
    /usr/bin/python3 models/kind/train/export.py --only exposure
    # the night net: the same photos with light sources, fitted with the plain pairs
    /usr/bin/python3 models/kind/train/exposure.py features --lights --every 3 --threads 1
    /usr/bin/python3 models/kind/train/exposure.py fit --with-lights
    /usr/bin/python3 models/kind/train/export.py --only exposure-night

`features`: every photo of pristine/train, centre-cropped to at most 512 px a side (the scale
of scripts/make-pairs.py), degraded once `mild` and once `severe` with a generator seeded per
photo; both halves go through the shipped Decom. Caches ExposureNet's features of I_low and the
target in runs/exposure/features.npz (every 40 photos, so an interrupted run continues).
`--lights` makes the pairs with degrade.night_pair instead (light sources in the scene, the lit
photo as the normal image), cached in features-lights.npz: real night frames hold lamps at full
white, so the per-frame stretch leaves them dark, which pairs without lights never show.
`fit`: 5-fold cross-validation over photos (both severities of a photo in the same fold), RMS
error of the log ratio against the mean rule with its best constant target, then a fit on all
photos saved as runs/exposure/latest.pt for export.py. `--with-lights` fits the plain and the lit
pairs together, reports each, and saves runs/exposure-night/latest.pt: kind-exposure-night.onnx,
which kind.illumination uses with `exposureNet: night`.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import nets  # noqa: E402
from degrade import degrade, night_pair  # noqa: E402
from retinex import pair_ratio, stretch  # noqa: E402
from shipped import RUNS, frozen, shipped_file  # noqa: E402
from trainlib.data import centre_crop, load_images, to_tensor  # noqa: E402
from trainlib.harness import run_logger, save  # noqa: E402

RUN = os.path.join(RUNS, 'exposure')
CACHE = os.path.join(RUN, 'features.npz')
LIT_CACHE = os.path.join(RUN, 'features-lights.npz')  # the same photos with light sources (--lights)
NIGHT_RUN = os.path.join(RUNS, 'exposure-night')  # fit --with-lights: kind-exposure-night.onnx
SEVERITIES = ('mild', 'severe')


def features(args):
    os.makedirs(RUN, exist_ok=True)
    say = run_logger(RUN)
    cache = LIT_CACHE if args.lights else CACHE
    done = dict(np.load(cache)) if os.path.exists(cache) else {'x': np.zeros((0, nets.ExposureNet.BINS + 1)),
                                                                'y': np.zeros(0), 'photo': np.zeros(0, int),
                                                                'severe': np.zeros(0, int)}
    start = int(done['photo'].max()) + 1 if len(done['photo']) else 0
    images = load_images('train')
    decom, probe = frozen('decom', shipped_file('decom')), nets.ExposureNet()
    say(f'exposure features{" with light sources" if args.lights else ""}: photos {start}..{len(images) - 1} of {len(images)}')
    rows = {k: list(v) for k, v in done.items()}
    t0 = time.time()
    with torch.no_grad():
        for k in range(start, len(images)):
            if k % args.every:
                continue
            photo = centre_crop(images[k], 512)  # every `every`-th photo: saved at every 40th of those
            if not args.lights:
                _, i_photo = decom(stretch(to_tensor([photo])))
            for s, severity in enumerate(SEVERITIES):
                if args.lights:  # the normal image is the lit photo, one per pair
                    normal, low, _ = night_pair(photo, np.random.default_rng([args.seed, s, k, 1]), severity)
                    _, i_h = decom(stretch(to_tensor([normal])))
                else:
                    low, _ = degrade(photo, np.random.default_rng([args.seed, s, k]), severity)
                    i_h = i_photo
                _, i_l = decom(stretch(to_tensor([low])))
                rows['x'].append(probe.features(i_l)[0].numpy())
                rows['y'].append(float(torch.log(pair_ratio(i_l, i_h))[0]))
                rows['photo'].append(k)
                rows['severe'].append(s)
            if (k // args.every + 1) % 40 == 0 or k + args.every >= len(images):
                tmp = cache + '.tmp.npz'
                np.savez(tmp, **{n: np.array(v) for n, v in rows.items()})
                os.replace(tmp, cache)
                say(f'photo {k + 1}/{len(images)} ({(time.time() - t0) / (k + 1 - start) * args.every:.2f} s a photo)')


def fit_one(x, y, epochs, seed, rule_only=False):
    torch.manual_seed(seed)
    net = nets.ExposureNet()
    params = [net.log_target] if rule_only else list(net.parameters())
    opt = torch.optim.Adam(params, lr=3e-3, weight_decay=0 if rule_only else 1e-4)
    x, y = torch.from_numpy(x).float(), torch.from_numpy(y).float()
    for _ in range(epochs):
        loss = torch.nn.functional.mse_loss(net.predict(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


def rms(net, x, y):
    with torch.no_grad():
        return float(torch.sqrt(torch.mean((net.predict(torch.from_numpy(x).float()) - torch.from_numpy(y).float()) ** 2)))


def fit(args):
    out = NIGHT_RUN if args.with_lights else RUN
    os.makedirs(out, exist_ok=True)
    say = run_logger(out)
    data = np.load(CACHE)
    x, y, photo, severe = data['x'], data['y'], data['photo'], data['severe']
    lit = np.zeros(len(y), bool)
    if args.with_lights:
        if not os.path.exists(LIT_CACHE):
            raise SystemExit(f'fit --with-lights: no {LIT_CACHE}; run `exposure.py features --lights` first')
        more = np.load(LIT_CACHE)
        x, y = np.concatenate([x, more['x']]), np.concatenate([y, more['y']])
        photo, severe = np.concatenate([photo, more['photo']]), np.concatenate([severe, more['severe']])
        lit = np.concatenate([lit, np.ones(len(more['y']), bool)])
    folds = photo % 5
    report = {'rule': [], 'learned': []}
    subsets = [(name, lit == flag) for name, flag in (('', False), (' with lights', True)) if (lit == flag).any()]
    for f in range(5):
        tr, te = folds != f, folds == f
        for kind, rule_only in (('rule', True), ('learned', False)):
            net = fit_one(x[tr], y[tr], args.epochs, args.seed, rule_only)
            report[kind].append([rms(net, x[te & (severe == s) & m], y[te & (severe == s) & m]) for _, m in subsets for s in (0, 1)])
    for kind, v in report.items():
        m = np.mean(v, axis=0)
        for j, (name, _) in enumerate(subsets):
            say(f'5-fold CV, RMS error of log ratio, {kind}, pairs{name}: mild {m[2 * j]:.4f} severe {m[2 * j + 1]:.4f} '
                f'(x{np.exp(m[2 * j]):.3f} / x{np.exp(m[2 * j + 1]):.3f} in ratio), {len(np.unique(photo))} photos')
    started = time.time()
    net = fit_one(x, y, args.epochs, args.seed)
    minutes = (time.time() - started) / 60
    say(f'fit on all {len(y)} pairs{f" ({lit.sum()} with light sources)" if args.with_lights else ""}: RMS {rms(net, x, y):.4f}, '
        f'target exp(log_target) {float(net.log_target.exp()):.3f}')
    save(os.path.join(out, 'latest.pt'), model=net.state_dict(), step=args.epochs, minutes=minutes,
           lights=bool(args.with_lights), cv={k: np.mean(v, axis=0).tolist() for k, v in report.items()})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('command', choices=['features', 'fit'])
    ap.add_argument('--lights', action='store_true',
                    help='features: pairs with light sources (degrade.night_pair), cached in features-lights.npz')
    ap.add_argument('--every', type=int, default=1,
                    help='features: only every Nth photo (the lit pairs cost 4 Decom passes a photo; 3 keeps ~200)')
    ap.add_argument('--with-lights', action='store_true',
                    help='fit: on the plain pairs and the pairs with light sources together')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=11)
    ap.add_argument('--epochs', type=int, default=3000)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    (features if args.command == 'features' else fit)(args)


if __name__ == '__main__':
    main()
