"""Exports the super-resolution net to weights/sr-x<scale>.onnx (opset 13, batch 1, dynamic H
and W, input `image` NCHW RGB 0..1, output `upscaled` at scale × the size; ONNX forbids
naming an output like an input) and records it in
weights/manifest.json, in the format of models/kind/weights/manifest.json plus the image-model
fields the registry reads (task, description, license, contract).

The weights come from train/runs/x<scale>/latest.pt; parameters are stored as fp16 initializers
cast to fp32 (models/trainlib/onnx_weights.py), so the file is half size and onnxruntime
computes in fp32. Can run while training goes on (it only reads the checkpoint).

    /usr/bin/python3 models/sr/train/export.py              # x2
"""
import argparse
import json
import os
import sys
import time

import torch

import net as nets

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
from trainlib.onnx_weights import export_fp16, sha256  # noqa: E402

WEIGHTS = os.path.join(HERE, '..', 'weights')
RUNS = os.path.join(HERE, 'runs')
DATA = ('CCTV-like SR pairs (downscale, blur, noise, JPEG q30-80) from shared/data/pristine/train: '
        'BSDS500, Sun-Hays80, Debian photos')
LICENSE = ('weights trained by kind-pipe (MIT); training images: BSDS500 (non-commercial research/education), '
           'Sun-Hays80 (none stated), Debian photos (GPL/LGPL/BSD); see models/sr/MODEL_CARD.md')


def io_spec(name, scale=1):
    return {'name': name, 'dtype': 'float32', 'shape': [1, 3, 'H' if scale == 1 else f'{scale}H', 'W' if scale == 1 else f'{scale}W']}


def export_onnx(net, path):
    net.eval()
    export_fp16(net, (torch.rand(1, 3, 37, 53),), path, ['image'], ['upscaled'],
                {'image': {2: 'H', 3: 'W'}, 'upscaled': {2: 'sH', 3: 'sW'}}, 'kind-pipe models/sr/train/export.py')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scale', type=int, default=2)
    ap.add_argument('--out', default=WEIGHTS, help='weights folder (default models/sr/weights)')
    ap.add_argument('--run', default='', help='run folder under train/runs/ (default x<scale>)')
    args = ap.parse_args()
    model_id = f'sr-x{args.scale}'
    file = f'{model_id}.onnx'
    run = args.run or f'x{args.scale}'
    ckpt_path = os.path.join(RUNS, run, 'latest.pt')
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location='cpu', weights_only=False)
        net = nets.build(args.scale, blocks=nets.blocks_in(ck['model']))
        net.load_state_dict(ck['model'])
        info = {'trained': ck['step'] > 0, 'steps': ck['step'], 'minutes': round(ck['minutes'], 1),
                'source': f'train/runs/{run}/latest.pt'}
    else:
        raise SystemExit(f'{ckpt_path} not found: train first (models/sr/train/train.py --scale {args.scale})')
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, file)
    export_onnx(net, path)
    manifest_path = os.path.join(args.out, 'manifest.json')
    old = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    models = dict(old.get('models', {}))
    models[model_id] = {'image': {
        'file': file, 'role': 'image', 'params': nets.count_params(net),
        'inputs': [io_spec('image')], 'outputs': [io_spec('upscaled', args.scale)],
        **info, 'data': DATA if info['trained'] else None,
        'exported': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'sha256': sha256(path),
        'task': 'super-resolution',
        'description': f'×{args.scale} super-resolution for CCTV frames: residual ESPCN '
                       f'({nets.count_params(net) / 1000:.0f} k params) over bicubic, trained on '
                       'downscaled, noisy, JPEG-compressed photos',
        'contract': {'layout': 'NCHW', 'range': '0..1', 'order': 'rgb', 'multiple': 1, 'scale': args.scale},
        'license': LICENSE,
    }}
    manifest = {
        'format': 'onnx opset 13, batch 1, dynamic H and W, fp16 initializers cast to fp32',
        'preprocess': 'image = rgb24 / 255, RGB 0..1, NCHW; output clipped to 0..1',
        'models': models,
    }
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'{model_id}: wrote {path} ({os.path.getsize(path) / 1e3:.0f} kB, step {info["steps"]}, '
          f'{info["minutes"]} min)')


if __name__ == '__main__':
    main()
