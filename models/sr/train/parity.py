"""Writes a PyTorch reference output for the shipped SR ONNX file, so test/sr.test.ts can prove
onnxruntime computes the same thing (max abs diff <= 1e-4).

    /usr/bin/python3 models/sr/train/parity.py --size 67x45 --out /tmp/sr-parity

The net is rebuilt from net.py with the ONNX file's own initializers (fp16 -> fp32) and run
on a seeded random input; OUT receives raw little-endian float32 input.bin and output.bin plus
parity.json ({onnx, sha256, tolerance, input: {file, shape}, output: {file, shape}}).
"""
import argparse
import hashlib
import json
import os
import sys

import torch

import net as nets

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
from trainlib.onnx_weights import load_onnx_into, onnx_params  # noqa: E402

REPO = os.path.normpath(os.path.join(HERE, '..', '..', '..'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--size', default='67x45', help='WxH of the input')
    ap.add_argument('--scale', type=int, default=2)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--onnx', default='', help='ONNX file (default models/sr/weights/sr-x<scale>.onnx)')
    args = ap.parse_args()
    w, h = map(int, args.size.lower().split('x'))
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    path = args.onnx or os.path.join(HERE, '..', 'weights', f'sr-x{args.scale}.onnx')
    net = load_onnx_into(nets.build(args.scale, blocks=nets.blocks_in(onnx_params(path))), path).eval()
    x = torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(args.seed))
    with torch.no_grad():
        y = net(x)
    x.numpy().astype('<f4').tofile(os.path.join(args.out, 'input.bin'))
    y.numpy().astype('<f4').tofile(os.path.join(args.out, 'output.bin'))
    with open(os.path.join(args.out, 'parity.json'), 'w') as f:
        json.dump({'onnx': os.path.relpath(os.path.normpath(path), REPO),
                   'sha256': hashlib.sha256(open(path, 'rb').read()).hexdigest(),
                   'tolerance': 1e-4,
                   'input': {'file': 'input.bin', 'shape': list(x.shape)},
                   'output': {'file': 'output.bin', 'shape': list(y.shape)}}, f, indent=2)
        f.write('\n')
    print(f'wrote {args.out}/parity.json')


if __name__ == '__main__':
    main()
