"""Writes PyTorch reference outputs for every shipped ONNX file, so the runtime's
tests can prove onnxruntime computes the same thing (max abs diff <= 1e-4).

    /usr/bin/python3 models/kind/train/parity.py --size 385x289 --out /tmp/parity-385x289
    /usr/bin/python3 models/kind/train/parity.py --size 1x1 --out /tmp/parity-1x1

Each net is rebuilt from nets.py with the ONNX file's own initializers (fp16 -> fp32),
run on a seeded random input, and DIR receives raw little-endian float32 .bin files
plus parity.json: for each file its path (from the repo root), sha256, and
input/output names -> {file, shape}.
"""
import argparse
import hashlib
import json
import os

import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import nets  # noqa: E402
from shipped import CHANNELS, STAGES, WEIGHTS  # noqa: E402
from trainlib.onnx_weights import load_onnx_into  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--size', default='385x289', help='WxH')
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()
    w, h = map(int, args.size.lower().split('x'))
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(args.seed)
    entries = []
    shipped = json.load(open(os.path.join(WEIGHTS, 'manifest.json')))['networks']
    for stage in shipped:  # every network the manifest lists (kind-lite may share kind's)
        if shipped[stage].get('precision') == 'int8':
            continue  # quantised from an fp32 network checked here; its own tolerance: plugins/kind/precision.spec.ts
        file, role, width, ins, outs = STAGES[stage]
        path = os.path.join(WEIGHTS, file)
        net = load_onnx_into(nets.build(role, width or 'full'), path).eval()
        inputs = {n: torch.rand(1, generator=gen) * 6 + 0.5 if n == 'ratio'
                  else torch.rand(1, CHANNELS[n], h, w, generator=gen) for n in ins}
        with torch.no_grad():
            result = net(*inputs.values())
        result = result if isinstance(result, tuple) else (result,)
        entry = {'stage': stage, 'onnx': os.path.relpath(os.path.normpath(path), REPO),
                 'sha256': hashlib.sha256(open(path, 'rb').read()).hexdigest(),
                 'inputs': {}, 'outputs': {}}
        for kind, tensors in (('inputs', inputs), ('outputs', dict(zip(outs, result)))):
            for name, t in tensors.items():
                fname = f'{stage}.{name}.bin'
                t.numpy().astype('<f4').tofile(os.path.join(args.out, fname))
                entry[kind][name] = {'file': fname, 'shape': list(t.shape)}
        entries.append(entry)
    with open(os.path.join(args.out, 'parity.json'), 'w') as f:
        json.dump({'size': {'width': w, 'height': h}, 'tolerance': 1e-4, 'networks': entries},
                  f, indent=2)
        f.write('\n')
    print(f'wrote {len(entries)} networks to {args.out}')


if __name__ == '__main__':
    main()
