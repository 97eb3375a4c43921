"""The shipped KinD networks (weights/*.onnx, manifest.json) and their training runs (runs/):
which file holds which net, and a trained, frozen net from its checkpoint or its file.

    decom = frozen('decom')              # runs/decom/latest.pt, else weights/kind-decom.onnx
    illum = frozen('illum', run='restore-full-joint')
"""
import json
import os

import torch

import nets
from trainlib.onnx_weights import load_onnx_into

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = os.path.join(HERE, '..', 'weights')
RUNS = os.path.join(HERE, 'runs')

# stage -> (file, role, width, input names, output names)
STAGES = {
    'decom': ('kind-decom.onnx', 'decom', None, ['image'], ['reflectance', 'illumination']),
    'illum': ('kind-illum.onnx', 'illum', None, ['illumination', 'ratio'], ['adjusted']),
    'illum-lite': ('kind-lite-illum.onnx', 'illum', None, ['illumination', 'ratio'], ['adjusted']),
    'restore-full': ('kind-restore.onnx', 'restore', 'full',
                     ['reflectance', 'illumination'], ['restored']),
    'restore-lite': ('kind-lite-restore.onnx', 'restore', 'lite',
                     ['reflectance', 'illumination'], ['restored']),
    'exposure': ('kind-exposure.onnx', 'exposure', None, ['illumination'], ['log_ratio']),
    'exposure-night': ('kind-exposure-night.onnx', 'exposure', None, ['illumination'], ['log_ratio']),
}
CHANNELS = {'image': 3, 'reflectance': 3, 'illumination': 1, 'adjusted': 1, 'restored': 3}


def shipped_file(stage):
    return os.path.join(WEIGHTS, STAGES[stage][0])


def build(stage):
    _, role, width, _, _ = STAGES[stage]
    return nets.build(role, width or 'full')


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
    if os.path.exists(os.path.join(RUNS, stage, 'latest.pt')):
        return True
    return shipped_networks().get(stage, {}).get('trained', False)


def frozen(stage, onnx_path=None, run=None):
    """A trained, frozen net: its checkpoint (runs/<run or stage>/), else its shipped ONNX file.
    An Illumination net trained jointly (restore.py --loss joint) comes from that run: frozen('illum', run=...)."""
    net = build(stage)
    ckpt = os.path.join(RUNS, run or stage, 'latest.pt')
    if run and not os.path.exists(ckpt):
        raise SystemExit(f'no checkpoint {ckpt} (runs/ holds {", ".join(sorted(os.listdir(RUNS)))})')
    if os.path.exists(ckpt) and not onnx_path:
        ck = torch.load(ckpt, map_location='cpu', weights_only=False)
        net.load_state_dict(trained_weights(ck, 'illum' if stage.startswith('illum') and 'illum' in ck else 'model'))
    else:
        load_onnx_into(net, onnx_path or shipped_file(stage))
    net.eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net
