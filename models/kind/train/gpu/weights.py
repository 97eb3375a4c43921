"""The averaged weights of a Restoration (+ Illumination, --loss joint) run as one small file, and back.

    weights.py save RUN FILE     # runs/RUN/latest.pt -> FILE: {'model', 'illum', 'steps', 'minutes'}, fp16 (~8 MB)
    weights.py onnx FILE DIR     # FILE -> DIR/kind-restore-smooth.onnx + kind-illum-smooth.onnx (fp16, as shipped)

A checkpoint holds the optimiser's state too (~125 MB for the full Restoration net): too big for
what the device tool brings back (16 MiB a file) or for git. The weights alone resume a run with
restore.py --init-from-pt FILE (a new optimiser), and `onnx` makes the files the pipeline and
bench:quality open (--set restore.model=… needs a manifest entry: README.md).
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, '..'), os.path.join(HERE, '..', '..', '..')]
from shipped import RUNS, trained_weights  # noqa: E402


def save(run, path):
    ck = torch.load(os.path.join(RUNS, run, 'latest.pt'), map_location='cpu', weights_only=False)
    half = lambda sd: {k: v.half() if v.is_floating_point() else v for k, v in sd.items()}  # noqa: E731
    weights = {'model': half(trained_weights(ck, 'model')), 'steps': ck['step'], 'minutes': ck['minutes']}
    if 'illum' in ck:
        weights['illum'] = half(trained_weights(ck, 'illum'))
        weights['illum_prior'] = ck.get('illum_prior', {'steps': 0, 'minutes': 0.0})
    tmp = path + '.tmp'
    torch.save(weights, tmp)
    os.replace(tmp, path)
    print(f'{path}: step {ck["step"]}, {ck["minutes"]:.1f} min, {os.path.getsize(path) / 1e6:.1f} MB')


def onnx(path, folder):
    import export  # noqa: E402
    import nets  # noqa: E402
    weights = torch.load(path, map_location='cpu', weights_only=False)
    for stage, role, key, name in (('restore-full', 'restore', 'model', 'kind-restore-smooth.onnx'), ('illum', 'illum', 'illum', 'kind-illum-smooth.onnx')):
        if key not in weights:
            continue
        net = nets.build(role)
        net.load_state_dict({k: v.float() for k, v in weights[key].items()})
        net.eval()
        export.export_onnx(net, stage, os.path.join(folder, name))
        print(os.path.join(folder, name))


if __name__ == '__main__':
    verb, *rest = sys.argv[1:]
    {'save': save, 'onnx': onnx}[verb](*rest)
