"""Exports a pipeline's whole KinD enhancement as ONE self-contained ONNX graph, for runtimes
that take a single model (FFmpeg's dnn_processing with the ONNX Runtime backend, DeepStream
nvinfer, OpenVINO): input `input` f32[1,3,H,W] RGB 0..1, output `output` f32[1,3,H,W] 0..1,
batch 1, dynamic H and W, opset 13, network weights stored fp16 with Casts (like export.py).

`kind-pipe export PIPELINE --onnx OUT.onnx` reads the pipeline, checks that it is the KinD chain
and calls this script with the recipe it found; it can also be run by hand:

    /usr/bin/python3 models/kind/train/export_pipeline.py --model kind-lite --normalize minmax \
        --ratio 4 --fusion official --out kind-lite-enhance.onnx

The graph computes, per frame (the KinD recipe, models/kind/MODEL_CARD.md):
    x = (in - min) / max(max - min, 0.001)       --normalize minmax (none: x = clamp(in, 0, 1))
    R, I = Decom(x);  R' = Restore(R, I)     each net on its input mirrored by EDGE_PADDING px, cropped back
    ratio = --ratio, or clamp(target / max(mean(I), 1e-4), 0.5, 20) with --auto-target,
            or clamp(exp(Exposure(I)) * compensation, 0.5, 20) with --exposure (mode: learned)
    I' = Adjust(I, ratio)
    official: w = min(sqrt(2 * gauss_sigma(gray(R))), 1), edges clamped like plugins/kind/gaussian.ts
              out = I * x + (1 - I) * R' * I' * w
    product:  out = R' * I'
    output = clamp(out, 0, 1)
A single-frame graph has no memory, so the pipeline's temporal smoothing (normalize `temporal`,
illumination `auto`/`learned` smoothing) cannot be part of it; the caller says so to the user.
"""
import argparse
import json
import math
import os
import sys
import tempfile
import warnings

MISSING_MODULES = 17  # exit status kind-pipe export turns into "install python3-torch python3-onnx"

try:
    import torch
    import onnx
    import numpy as np
    from torch import nn
    from torch.nn import functional as F
except ImportError as error:
    sys.stderr.write(f'export_pipeline.py: {error}. Fix: apt-get install python3-torch python3-onnx '
                     f'(and run it with /usr/bin/python3)\n')
    sys.exit(MISSING_MODULES)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import nets  # noqa: E402
from trainlib.onnx_weights import load_onnx_into, onnx_params, to_fp16_initializers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = os.path.join(HERE, '..', 'weights')
MIN_RATIO, MAX_RATIO = 0.5, 20.0  # plugins/kind/illumination.ts
# Pixels each net's input is mirrored by (plugins/kind/edge-padding.ts, issue #20: the nets' zero
# padding otherwise leaves a bright border on dark frames).
EDGE_PADDING = {'decom': 8, 'restore': 8, 'illum': 4}


def mirror_index(n, pad):
    """Source indices of a length-n axis mirrored by pad (edge pixel repeated, any n >= 1), as
    plugins/kind/edge-padding.ts mirrorIndex; traced with a dynamic n into Range/Mod/Where."""
    i = torch.arange(-pad, n + pad) % (2 * n)
    return torch.where(i < n, i, 2 * n - 1 - i)


class MirrorPadded(nn.Module):
    """A net run on its image inputs mirrored by `pad`, its image outputs cropped back."""

    def __init__(self, net, pad):
        super().__init__()
        self.net, self.pad = net, pad

    def forward(self, image, *rest):
        p = self.pad
        h, w = image.shape[2], image.shape[3]
        rows, cols = mirror_index(h, p), mirror_index(w, p)
        grow = lambda t: t.index_select(2, rows).index_select(3, cols)
        args = [grow(image)] + [grow(t) if t.dim() == 4 else t for t in rest]
        outs = self.net(*args)
        crop = lambda t: t[:, :, p:p + h, p:p + w]
        return tuple(crop(t) for t in outs) if isinstance(outs, tuple) else crop(outs)


def gaussian_kernel(sigma):
    """The 1-D kernel of plugins/kind/gaussian.ts: radius max(1, ceil(3 sigma)), sums to 1."""
    radius = max(1, math.ceil(3 * sigma))
    k = np.exp(-np.arange(-radius, radius + 1, dtype=np.float64) ** 2 / (2 * sigma * sigma))
    return (k / k.sum()).astype(np.float32), radius


class KindEnhance(nn.Module):
    def __init__(self, decom, restore, illum, normalize, ratio, auto_target, fusion, sigma,
                 exposure=None, compensation=1.0):
        super().__init__()
        self.decom = MirrorPadded(decom, EDGE_PADDING['decom'])
        self.restore = MirrorPadded(restore, EDGE_PADDING['restore'])
        self.illum = MirrorPadded(illum, EDGE_PADDING['illum'])
        self.exposure = exposure
        self.log_compensation = math.log(compensation)
        self.normalize, self.fusion = normalize, fusion
        self.auto_target = auto_target
        self.register_buffer('ratio', torch.tensor([ratio], dtype=torch.float32))
        kernel, self.radius = gaussian_kernel(sigma)
        self.register_buffer('kx', torch.from_numpy(kernel).reshape(1, 1, 1, -1))
        self.register_buffer('ky', torch.from_numpy(kernel).reshape(1, 1, -1, 1))
        self.register_buffer('gray', torch.tensor([0.299, 0.587, 0.114]).reshape(1, 3, 1, 1))

    def blur(self, plane):
        r = self.radius
        plane = F.conv2d(F.pad(plane, (r, r, 0, 0), mode='replicate'), self.kx)
        return F.conv2d(F.pad(plane, (0, 0, r, r), mode='replicate'), self.ky)

    def forward(self, image):
        if self.normalize == 'minmax':
            low, high = image.min(), image.max()
            x = (image - low) / torch.clamp(high - low, min=0.001)
        else:
            x = torch.clamp(image, 0, 1)
        r, i = self.decom(x)
        restored = self.restore(r, i)
        ratio = self.ratio
        if self.exposure is not None:
            ratio = torch.clamp(torch.exp(self.exposure(i) + self.log_compensation), MIN_RATIO, MAX_RATIO)
        elif self.auto_target is not None:
            mean = torch.clamp(i.mean(), min=1e-4).reshape(1)
            ratio = torch.clamp(self.auto_target / mean, MIN_RATIO, MAX_RATIO)
        adjusted = self.illum(i, ratio)
        if self.fusion == 'product':
            out = restored * adjusted
        else:
            gray = (r * self.gray).sum(1, keepdim=True)
            weight = torch.clamp(torch.sqrt(2 * torch.clamp(self.blur(gray), min=0)), max=1)
            out = i * x + (1 - i) * restored * adjusted * weight
        return torch.clamp(out, 0, 1)


def restore_width(path):
    """'full' or 'lite', from the first conv of the shipped Restoration file."""
    channels = onnx_params(path)['down.0.0.weight'].shape[0]
    for width, levels in nets.WIDTHS.items():
        if levels[0] == channels:
            return width
    raise ValueError(f'{path}: first Restoration conv has {channels} channels; nets.WIDTHS knows {nets.WIDTHS}')


def manifest_files(model):
    manifest = json.load(open(os.path.join(WEIGHTS, 'manifest.json')))
    if model not in manifest['models']:
        raise SystemExit(f'unknown model {model!r}; known: {", ".join(manifest["models"])}')
    return {role: os.path.normpath(os.path.join(WEIGHTS, net['file'])) for role, net in manifest['models'][model].items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True, help='ONNX file to write')
    ap.add_argument('--model', default='kind', help='registry id; its weights/manifest.json files are the default')
    ap.add_argument('--decom', help='shipped Decom ONNX file (overrides --model)')
    ap.add_argument('--restore', help='shipped Restoration ONNX file (overrides --model)')
    ap.add_argument('--illum', help='shipped Illumination ONNX file (overrides --model)')
    ap.add_argument('--normalize', choices=['minmax', 'none'], default='minmax')
    ap.add_argument('--ratio', type=float, default=5.0, help='fixed illumination ratio')
    ap.add_argument('--auto-target', type=float, help='per-frame ratio aiming mean(I) at this target')
    ap.add_argument('--exposure', help='learned exposure ONNX file (kind-exposure.onnx): its ratio instead of --ratio')
    ap.add_argument('--compensation', type=float, default=1.0, help='with --exposure: multiplies the learned ratio')
    ap.add_argument('--fusion', choices=['official', 'product'], default='official')
    ap.add_argument('--sigma', type=float, default=3.0, help='official fusion: Gaussian sigma on gray(R)')
    ap.add_argument('--meta', action='append', default=[], metavar='KEY=VALUE',
                    help='metadata_props entry to store in the file (repeatable)')
    args = ap.parse_args()

    torch.set_num_threads(1)
    warnings.filterwarnings('ignore', category=UserWarning)  # tracer chatter on every export
    files = {role: getattr(args, role) for role in ('decom', 'restore', 'illum')}
    if not all(files.values()):
        defaults = manifest_files(args.model)
        files = {role: path or defaults[role] for role, path in files.items()}
    decom = load_onnx_into(nets.DecomNet(), files['decom'])
    restore = load_onnx_into(nets.RestorationNet(restore_width(files['restore'])), files['restore'])
    illum = load_onnx_into(nets.IllumNet(), files['illum'])
    exposure = load_onnx_into(nets.ExposureNet(), args.exposure) if args.exposure else None
    net = KindEnhance(decom, restore, illum, args.normalize, args.ratio, args.auto_target,
                      args.fusion, args.sigma, exposure, args.compensation).eval()

    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, 'raw.onnx')
        with torch.no_grad():
            torch.onnx.export(net, (torch.rand(1, 3, 37, 53),), raw, opset_version=13,
                              input_names=['input'], output_names=['output'],
                              dynamic_axes={'input': {2: 'H', 3: 'W'}, 'output': {2: 'H', 3: 'W'}},
                              do_constant_folding=True)
        model = onnx.load(raw)
    model.graph.output[0].type.tensor_type.shape.dim[0].dim_value = 1  # batch 1, like the input
    # Only the networks' parameters go fp16 (they were fp16 in the shipped files: lossless);
    # the Gaussian kernel and the recipe constants stay fp32.
    params = {f'{name}.net.{p}' for name, sub in (('decom', decom), ('restore', restore), ('illum', illum))
              for p in sub.state_dict()}
    found = {i.name for i in model.graph.initializer}
    if not params <= found:
        raise RuntimeError(f'parameters renamed by export: {sorted(params - found)[:5]}')
    to_fp16_initializers(model, params)
    model.producer_name = 'kind-pipe models/kind/train/export_pipeline.py'
    model.doc_string = ('KinD low-light enhancement, one frame: input f32[1,3,H,W] RGB 0..1 -> '
                        'output f32[1,3,H,W] RGB 0..1')
    meta = {'normalize': args.normalize, 'fusion': args.fusion,
            'ratio': (f'learned, compensation {args.compensation:g}' if args.exposure
                      else f'auto target {args.auto_target}' if args.auto_target is not None else str(args.ratio)),
            'sigma': str(args.sigma), 'restore_width': restore.width}
    for item in args.meta:
        key, _, value = item.partition('=')
        meta[key] = value
    for key, value in meta.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    print(json.dumps({'out': args.out, 'bytes': os.path.getsize(args.out),
                      'nodes': len(model.graph.node), 'files': files}))


if __name__ == '__main__':
    main()
