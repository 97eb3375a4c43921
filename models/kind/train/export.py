"""Exports the KinD nets to weights/*.onnx (opset 13, batch 1, dynamic H and W) and
writes weights/manifest.json.

Each network comes from its latest training checkpoint in train/runs/<stage>/;
without one, an already shipped ONNX file is kept as it is; without either, a
seeded random init is exported with trained=false so the runtime has files to load.

    /usr/bin/python3 models/kind/train/export.py            # all networks
    /usr/bin/python3 models/kind/train/export.py --only decom
    /usr/bin/python3 models/kind/train/export.py --only illum-lite --run illum-lite=restore-lite-joint

kind-lite-illum.onnx is kind-lite's own Illumination net, trained jointly with its Restoration net
(restore.py --loss joint); until it exists kind-lite shares kind-illum.onnx.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import nets  # noqa: E402
from shipped import CHANNELS, RUNS, STAGES, WEIGHTS, build, trained_weights  # noqa: E402
from trainlib.onnx_weights import export_fp16, sha256  # noqa: E402

DATA = 'synthetic night pairs from shared/data/pristine/train: BSDS500, Sun-Hays80, Debian photos'

MODELS = {'kind': {'decom': 'decom', 'restore': 'restore-full', 'illum': 'illum', 'exposure': 'exposure',
                   'exposure-night': 'exposure-night'},
          'kind-lite': {'decom': 'decom', 'restore': 'restore-lite', 'illum': 'illum-lite', 'exposure': 'exposure',
                        'exposure-night': 'exposure-night'}}
# kind-lite's own Illumination net (trained beside its Restoration net, restore.py --loss joint);
# until it exists, kind-lite shares kind's.
SHARED_UNTIL_TRAINED = {'illum-lite': 'illum'}
SCALARS = ('ratio', 'log_ratio')  # shape [1]


def checkpoint(stage, run=None):
    """The stage's training state: {'model', 'step', 'minutes'}. An Illumination net trained
    jointly with a Restoration net (restore.py --loss joint) is taken from that run's checkpoint,
    its steps and minutes counted as its own history plus the joint run's. Weights averaged in
    training (--ema) are exported in place of the last step's."""
    path = os.path.join(RUNS, run or stage, 'latest.pt')
    if not os.path.exists(path):
        return None
    ck = torch.load(path, map_location='cpu', weights_only=False)
    if STAGES[stage][1] == 'illum' and 'illum' in ck:
        return {'model': trained_weights(ck, 'illum'), 'step': ck['illum_prior']['steps'] + ck['step'] - ck['prior']['steps'],
                'minutes': ck['illum_prior']['minutes'] + ck['minutes'] - ck['prior']['minutes']}
    return {**ck, 'model': trained_weights(ck)}


def io_spec(name):
    if name in SCALARS:
        return {'name': name, 'dtype': 'float32', 'shape': [1]}
    return {'name': name, 'dtype': 'float32', 'shape': [1, CHANNELS[name], 'H', 'W']}


def export_onnx(net, stage, path):
    _, _, _, ins, outs = STAGES[stage]
    net.eval()
    args = tuple(torch.rand(1) * 4 + 1 if n == 'ratio' else torch.rand(1, CHANNELS[n], 37, 53)
                 for n in ins)
    axes = {n: {2: 'H', 3: 'W'} for n in ins + outs if n not in SCALARS}
    export_fp16(net, args, path, ins, outs, axes, 'kind-pipe models/kind/train/export.py')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--only', choices=list(STAGES), action='append')
    ap.add_argument('--run', action='append', default=[], metavar='STAGE=RUN',
                    help='take STAGE from runs/RUN/ (e.g. restore-full=restore-full-final)')
    args = ap.parse_args()
    runs = dict(r.split('=', 1) for r in args.run)
    os.makedirs(WEIGHTS, exist_ok=True)
    manifest_path = os.path.join(WEIGHTS, 'manifest.json')
    old = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    entries = dict(old.get('networks', {}))
    for stage in args.only or STAGES:
        file, role, width, ins, outs = STAGES[stage]
        path = os.path.join(WEIGHTS, file)
        run = runs.get(stage, stage)
        ckpt = checkpoint(stage, run)
        net = build(stage)
        if ckpt is not None:
            net.load_state_dict(ckpt['model'])
            info = {'trained': ckpt['step'] > 0, 'steps': ckpt['step'],
                    'minutes': round(ckpt['minutes'], 1), 'source': f'train/runs/{run}/latest.pt'}
        elif os.path.exists(path) and stage in entries:
            print(f'{stage}: no checkpoint, keeping shipped {file}')
            continue
        elif stage in SHARED_UNTIL_TRAINED:
            print(f'{stage}: not trained, kind-lite uses {SHARED_UNTIL_TRAINED[stage]}')
            continue
        else:
            torch.manual_seed(0)
            net = build(stage)
            info = {'trained': False, 'steps': 0, 'minutes': 0, 'source': 'random init, seed 0'}
        export_onnx(net, stage, path)
        entries[stage] = {
            'file': file, 'role': role, 'width': width, 'params': nets.count_params(net),
            'inputs': [io_spec(n) for n in ins], 'outputs': [io_spec(n) for n in outs],
            **info, 'data': DATA if info['trained'] else None,
            'exported': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        }
        print(f'{stage}: wrote {file} ({os.path.getsize(path) / 1e6:.2f} MB, {info["source"]})')
    for stage, e in entries.items():
        e['sha256'] = sha256(os.path.join(WEIGHTS, e['file']))
    pick = lambda s: s if s in entries else SHARED_UNTIL_TRAINED.get(s)  # noqa: E731
    models = {m: {role: entries[pick(s)] for role, s in roles.items() if pick(s) in entries}
              for m, roles in MODELS.items()}
    # int8 variants written by quantize.py stay while their fp32 network is unchanged (#16)
    for name, e in list(entries.items()):
        if e.get('precision') != 'int8':
            continue
        if not any(f.get('sha256') == e.get('quantized_from') for f in entries.values() if f.get('precision') != 'int8'):
            print(f'{name}: its fp32 network changed since it was quantized; dropping {e["file"]} (re-run quantize.py)')
            del entries[name]
            continue
        for m in models.values():
            if m.get(e['role'], {}).get('sha256') == e['quantized_from']:
                m[name] = e
    manifest = {
        'format': 'onnx opset 13, batch 1, dynamic H and W, fp16 initializers cast to fp32',
        'preprocess': 'image = (x - min) / max(max - min, 0.001) per image, RGB 0..1, NCHW',
        'models': models, 'networks': entries,
    }
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
