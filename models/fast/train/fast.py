"""kind-fast: a real-time low-light backbone (curve estimation at reduced resolution).

    /usr/bin/python3 fast.py train --minutes 40 --resume
    /usr/bin/python3 fast.py export            # runs/latest.pt -> ../weights/kind-fast.onnx + kind-fast-heads.onnx
    /usr/bin/python3 fast.py export-heads      # ../weights/kind-fast.onnx -> kind-fast-heads.onnx (same weights)

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
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
sys.path.insert(1, os.path.join(HERE, '..', '..', 'kind', 'train'))  # degrade.py and its pairs
from net import CONTEXT, FastCurve, LowResHeads, Uint8Io, count  # noqa: E402
from pairs import Pairs, night_val  # noqa: E402
from trainlib.data import load_images, to_tensor  # noqa: E402
from trainlib.harness import Harness, add_arguments  # noqa: E402
from trainlib.metrics import psnr, ssim  # noqa: E402
from trainlib.onnx_weights import export_fp16, load_onnx_into, sha256  # noqa: E402

WEIGHTS = os.path.join(HERE, '..', 'weights')
RUN = os.path.join(HERE, 'runs')
STREAM = 7  # numpy Generator([seed, 7])


def val_set():
    """16 square centre crops (256 px) of pristine/val, alternately mild and severe, fixed seeds."""
    return [(to_tensor([low]), to_tensor([photo])) for low, photo in night_val(16, 256)]


def validate(net, val):
    net.eval()
    with torch.no_grad():
        res = {'mild': [], 'severe': []}
        for k, (low, high) in enumerate(val):
            out = net(low)
            res[['mild', 'severe'][k % 2]].append((psnr(out, high), float(ssim(out, high))))
    net.train()
    return {f'{s}_{m}': round(sum(r[i] for r in v) / len(v), 3)
            for s, v in res.items() for i, m in enumerate(['psnr', 'ssim'])}


def train(args):
    h = Harness(RUN, args, stream=(STREAM,), name='kind-fast')
    net = FastCurve()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    ck = h.resume()
    if ck:
        net.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
    if h.finished():
        return 0
    pairs = Pairs(load_images('train'), h.rng, stretched=False)
    val = val_set()
    h.say(f'kind-fast: {count(net)} params, batch {args.batch}, patch {args.patch}, lr {args.lr}, budget {args.minutes} min')

    def step():
        # Cosine decay over the whole budget, so a resumed run continues the same schedule.
        for g in opt.param_groups:
            g['lr'] = args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * h.progress)))
        low, high = pairs.batch(args.batch, args.patch)
        out = net(low)
        l1 = (out - high).abs().mean()
        s = ssim(out, high)
        loss = l1 + 0.2 * (1 - s)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {'loss': float(loss), 'l1': float(l1), 'ssim': float(s)}

    return h.train(step, lambda: {'model': net.state_dict(), 'opt': opt.state_dict()}, lambda: validate(net, val))


def export(args):
    ck = torch.load(os.path.join(RUN, 'latest.pt'), map_location='cpu', weights_only=False)
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
    write_manifest(manifest)
    export_heads(net, ck['step'], ck['minutes'])
    print(f'exported {path} ({os.path.getsize(path)} bytes, step {ck["step"]}) {m}')


def write_manifest(manifest):
    with open(os.path.join(WEIGHTS, 'manifest.json.tmp'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    os.replace(os.path.join(WEIGHTS, 'manifest.json.tmp'), os.path.join(WEIGHTS, 'manifest.json'))


def export_heads(net, steps, minutes):
    """The learned low-resolution part of the same net (LowResHeads) for plugins/fast-enhance, which
    pools, applies the curves and slices the frame itself; in the manifest as kind-fast's `heads`
    network (it replaced `maps`, which gave P and Q: the runtime spent a third of its time on the
    eight elementwise curve iterations)."""
    path = os.path.join(WEIGHTS, 'kind-fast-heads.onnx')
    h, w = 23, 40
    args = (torch.rand(1, 3, h, w), torch.rand(1, 3, h, w) * 0.1, torch.zeros(1, CONTEXT, 1, 1), torch.ones(1))
    export_fp16(LowResHeads(net).eval(), args, path + '.tmp', ['low', 'spread', 'context', 'mix'], ['heads', 'used'],
                {'low': {2: 'h', 3: 'w'}, 'spread': {2: 'h', 3: 'w'}, 'heads': {2: 'h', 3: 'w'}},
                'kind-pipe models/fast/train/fast.py')
    os.replace(path + '.tmp', path)
    with open(os.path.join(WEIGHTS, 'manifest.json')) as f:
        manifest = json.load(f)
    image = manifest['models']['kind-fast']['image']
    manifest['models']['kind-fast'].pop('maps', None)
    old = os.path.join(WEIGHTS, 'kind-fast-maps.onnx')
    if os.path.exists(old):
        os.remove(old)
    manifest['models']['kind-fast']['heads'] = {
        'file': 'kind-fast-heads.onnx', 'role': 'heads', 'params': count(net),
        'description': "kind-fast's learned low-resolution part: curve strength a and detail weight w from the 4×4 "
                       'block means and standard deviations, with the image-wide context smoothed over frames (fast.enhance)',
        'inputs': [{'name': 'low', 'dtype': 'float32', 'shape': [1, 3, 'h', 'w']},
                   {'name': 'spread', 'dtype': 'float32', 'shape': [1, 3, 'h', 'w']},
                   {'name': 'context', 'dtype': 'float32', 'shape': [1, CONTEXT, 1, 1]},
                   {'name': 'mix', 'dtype': 'float32', 'shape': [1]}],
        'outputs': [{'name': 'heads', 'dtype': 'float32', 'shape': [1, 4, 'h', 'w']},
                    {'name': 'used', 'dtype': 'float32', 'shape': [1, CONTEXT, 1, 1]}],
        'trained': True, 'steps': steps, 'minutes': round(minutes, 1),
        'source': image['file'], 'data': image['data'],
        'exported': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'sha256': sha256(path),
    }
    write_manifest(manifest)
    print(f'exported {path} ({os.path.getsize(path)} bytes)')


def export_heads_from_shipped(args):
    with open(os.path.join(WEIGHTS, 'manifest.json')) as f:
        image = json.load(f)['models']['kind-fast']['image']
    net = FastCurve()
    load_onnx_into(Uint8Io(net), os.path.join(WEIGHTS, image['file']))
    export_heads(net.eval(), image['steps'], image['minutes'])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('command', choices=['train', 'export', 'export-heads', 'params'])
    add_arguments(ap, minutes=40, ckpt_every=4.0, threads=1)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--patch', type=int, default=192)
    ap.add_argument('--lr', type=float, default=2e-3)
    args = ap.parse_args()
    if args.command == 'params':
        print(count(FastCurve()))
        return 0
    if args.command == 'export-heads':
        return export_heads_from_shipped(args)
    return train(args) if args.command == 'train' else export(args)


if __name__ == '__main__':
    raise SystemExit(main())
