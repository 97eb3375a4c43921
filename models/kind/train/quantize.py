"""Calibrated int8 (QDQ) variants of KinD's Decom and Restoration nets:
weights/kind-decom-int8.onnx and weights/kind-restore-int8.onnx, with manifest entries
(role decom / restore, `precision: int8`, `quantized_from`: the fp32 file's sha256).

    /usr/bin/python3 models/kind/train/quantize.py              # calibrate, quantize, compare, write
    /usr/bin/python3 models/kind/train/quantize.py --frames 32 --tail 1e-5 --float conv1

1. Calibration frames: synthetic night crops (degrade.py / night_pair, a third with lamps) of
   the even-numbered pristine/train photos, never pristine/val, min-max stretched as the pipeline
   feeds kind.decom; the odd-numbered ones give the held-out crops of step 4.
2. Ranges: every float activation of both nets becomes a graph output; calibrate.mjs runs them
   with onnxruntime-node (no onnxruntime for Python here) and records per tensor and frame the
   min, max and tail percentiles. A tensor's range is the mean over frames of its `--tail`
   percentiles, widened to hold 0 (uint8 asymmetric, per tensor).
3. QDQ graph: int8 per-output-channel symmetric weights (7-bit, |q| <= 63, by default: AVX2
   without VNNI multiplies u8·s8 pairs into saturating int16, vpmaddubsw; 255·127·2 overflows it,
   255·63·2 does not), int32 biases at scale x·w, and QuantizeLinear→DequantizeLinear on every
   activation (MaxPool and Slice outputs share their input's parameters, so ORT drops them) so
   onnxruntime fuses Conv, LeakyRelu and Concat into QLinearConv / QLinearLeakyRelu /
   QLinearConcat. Nodes named by `--float` (Conv names or their weight prefix: conv1, r_out)
   keep fp32 weights and no QDQ on their output. The nets' inputs and outputs stay float32.
4. compare: PSNR of int8 against fp32 (decom R, I; restore on fp32 decom; the whole chain) on
   held-out train crops, printed and stored beside the manifest entry.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
from degrade import degrade, night_pair  # noqa: E402
from trainlib.data import load_images, random_patch  # noqa: E402
from trainlib.onnx_weights import sha256  # noqa: E402

WEIGHTS = os.path.join(HERE, '..', 'weights')
ROOT = os.path.join(HERE, '..', '..', '..')
NETS = {'decom': 'kind-decom.onnx', 'restore': 'kind-restore.onnx'}
ACT_OPS = {'Conv', 'ConvTranspose', 'LeakyRelu', 'MaxPool', 'Concat', 'Slice', 'Sigmoid'}
SHARE_OPS = {'MaxPool', 'Slice'}  # output keeps the input's quantization (ORT drops the pair)
WEIGHT_OPS = {'Conv': 0, 'ConvTranspose': 1}  # output-channel axis of the weight


def fp32_graph(model):
    """{initializer name: fp32 array}, resolving the fp16 initializer → Cast nodes of export.py."""
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    values = dict(init)
    for n in model.graph.node:
        if n.op_type == 'Cast' and n.input[0] in init:
            values[n.output[0]] = init[n.input[0]].astype(np.float32)
    return init, values


def activations(model):
    """Float activation tensors in graph order: the inputs and the outputs of ACT_OPS nodes."""
    _, values = fp32_graph(model)
    names = [i.name for i in model.graph.input]
    for n in model.graph.node:
        if n.op_type in ACT_OPS:
            names.append(n.output[0])
    return [t for t in dict.fromkeys(names) if t not in values]


def augmented(model):
    """The model with every activation as a graph output (for calibrate.mjs stats)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    have = {o.name for o in m.graph.output}
    for t in activations(model):
        if t not in have:
            m.graph.output.append(helper.make_tensor_value_info(t, TensorProto.FLOAT, None))
    return m


def make_frames(folder, images, count, size, seed):
    """Stretched night crops of the given photos as float32 NCHW files + frames.json."""
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(count):
        photo = random_patch(images, rng, size)
        low = night_pair(photo, rng)[1] if k % 3 == 2 else degrade(photo, rng)[0]
        x = low.astype(np.float32) / 255.0
        x = (x - x.min()) / max(float(x.max() - x.min()), 0.001)
        name = f'f{k}.f32'
        np.ascontiguousarray(x.transpose(2, 0, 1)[None]).astype(np.float32).tofile(os.path.join(folder, name))
        frames.append({'file': name, 'height': int(x.shape[0]), 'width': int(x.shape[1])})
    with open(os.path.join(folder, 'frames.json'), 'w') as f:
        json.dump({'frames': frames, 'seed': seed, 'size': size}, f)
    return os.path.join(folder, 'frames.json')


def node_tool(*args):
    subprocess.run(['node', os.path.join(HERE, 'calibrate.mjs'), *args], check=True, cwd=ROOT)


def ranges(stats, role, tail):
    """{tensor of network `role`: (lo, hi)}: the mean over frames of the `tail` percentiles (0: of min and max)."""
    k = [i for i, t in enumerate(stats['tails']) if np.isclose(t, tail)] if tail else None
    if tail and not k:
        raise SystemExit(f"--tail {tail}: calibrate.mjs records the tails {stats['tails']} only. Fix: pick one of them, or 0")
    out = {}
    for name, frames in stats['tensors'][role].items():
        lo = float(np.mean([f['lo'][k[0]] if tail else f['min'] for f in frames]))
        hi = float(np.mean([f['hi'][k[0]] if tail else f['max'] for f in frames]))
        out[name] = (min(lo, 0.0), max(hi, 0.0))
    return out


def act_qparams(lo, hi):
    scale = max((hi - lo) / 255.0, 1e-8)
    zp = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zp)


def quantize(model, rng_of, keep_float, qmax):
    """The QDQ model (module docstring, step 3)."""
    init, values = fp32_graph(model)
    g = model.graph
    outputs = {o.name for o in g.output}
    keep = {n.name for n in g.node if n.op_type in WEIGHT_OPS and
            any(n.input[1].startswith(p + '.') or n.name.strip('/').split('/')[0] == p for p in keep_float)}
    producer = {o: n for n in g.node for o in n.output}
    new_init, new_nodes, qp = [], [], {}

    def const(name, array):
        new_init.append(numpy_helper.from_array(array, name))
        return name

    def params_of(t):
        if t in qp:
            return qp[t]
        p = producer.get(t)
        if p is not None and p.op_type in SHARE_OPS and p.input[0] in qp:
            qp[t] = qp[p.input[0]]
        else:
            qp[t] = act_qparams(*rng_of[t])
        return qp[t]

    # which activations get a Q→DQ pair: all but the graph outputs and the outputs of float-kept convs
    qdq = [t for t in activations(model) if t not in outputs and not (t in producer and producer[t].name in keep)]
    for t in qdq:
        params_of(t)
    rename = {t: t + '_dq' for t in qdq}
    for t in qdq:
        s, z = qp[t]
        const(t + '_scale', np.array(s, np.float32))
        const(t + '_zp', np.array(z, np.uint8))
        new_nodes.append(helper.make_node('QuantizeLinear', [t, t + '_scale', t + '_zp'], [t + '_q'], name=t + '_QuantizeLinear'))
        new_nodes.append(helper.make_node('DequantizeLinear', [t + '_q', t + '_scale', t + '_zp'], [t + '_dq'], name=t + '_DequantizeLinear'))
    dropped_casts = set()
    body = []
    for n in g.node:
        n = onnx.NodeProto.FromString(n.SerializeToString())
        ins = list(n.input)
        if n.op_type in WEIGHT_OPS and n.name not in keep and ins[0] in qp:
            axis = WEIGHT_OPS[n.op_type]
            w = values[ins[1]]
            red = tuple(i for i in range(w.ndim) if i != axis)
            ws = np.maximum(np.abs(w).max(axis=red) / qmax, 1e-8).astype(np.float32)
            shape = [1] * w.ndim
            shape[axis] = -1
            wq = np.clip(np.round(w / ws.reshape(shape)), -qmax, qmax).astype(np.int8)
            wn = ins[1]
            const(wn + '_int8', wq)
            const(wn + '_wscale', ws)
            const(wn + '_wzp', np.zeros_like(ws, dtype=np.int8))
            body.append(helper.make_node('DequantizeLinear', [wn + '_int8', wn + '_wscale', wn + '_wzp'], [wn + '_wdq'], name=wn + '_DequantizeLinear', axis=axis))
            dropped_casts.add(wn)
            ins[1] = wn + '_wdq'
            if len(ins) > 2 and ins[2]:
                bn = ins[2]
                bs = (qp[ins[0]][0] * ws).astype(np.float32)
                bq = np.round(values[bn] / bs).astype(np.int32)
                const(bn + '_int32', bq)
                const(bn + '_bscale', bs)
                const(bn + '_bzp', np.zeros_like(bq))
                body.append(helper.make_node('DequantizeLinear', [bn + '_int32', bn + '_bscale', bn + '_bzp'], [bn + '_bdq'], name=bn + '_DequantizeLinear', axis=0))
                dropped_casts.add(bn)
                ins[2] = bn + '_bdq'
        ins = [rename.get(i, i) for i in ins]
        del n.input[:]
        n.input.extend(ins)
        body.append(n)
        # a tensor's Q→DQ pair right after its producer keeps the graph topologically sorted
        for o in n.output:
            if o in rename:
                body.extend(x for x in new_nodes if x.input[0] == o or x.input[0] == o + '_q')
    for i in g.input:
        if i.name in rename:
            body[:0] = [x for x in new_nodes if x.input[0] in (i.name, i.name + '_q')]
    body = [n for n in body if not (n.op_type == 'Cast' and n.output[0] in dropped_casts)]
    used = {i for n in body for i in n.input}
    kept_init = [i for i in g.initializer if i.name in used]
    del g.node[:]
    g.node.extend(body)
    del g.initializer[:]
    g.initializer.extend(kept_init + new_init)
    model.producer_name = 'kind-pipe models/kind/train/quantize.py'
    onnx.checker.check_model(model)
    return model, keep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--frames', type=int, default=24, help='calibration crops')
    ap.add_argument('--size', type=int, default=256, help='calibration crop side')
    ap.add_argument('--compare-frames', type=int, default=12, help='held-out train crops for the fp32 comparison')
    ap.add_argument('--tail', type=float, default=1e-5, help='share clipped at each end (0: min-max)')
    ap.add_argument('--float', action='append', default=[], metavar='LAYER',
                    help='keep this conv in fp32, by weight prefix (conv1, down.0.0, out); repeatable, decom and restore alike')
    ap.add_argument('--full-range', action='store_true', help='8-bit weights (|q| <= 127) instead of 7-bit: for VNNI CPUs')
    ap.add_argument('--out', default=WEIGHTS, help='folder for the int8 files (default: the shipped weights/)')
    ap.add_argument('--work', default=None, help='scratch folder (default: a temporary one)')
    ap.add_argument('--no-manifest', action='store_true')
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix='kind-int8-')
    os.makedirs(work, exist_ok=True)
    qmax = 127 if args.full_range else 63
    models = {role: onnx.load(os.path.join(WEIGHTS, f)) for role, f in NETS.items()}

    calib = os.path.join(work, 'calib')
    os.makedirs(calib, exist_ok=True)
    photos = load_images('train')  # even-numbered photos calibrate, odd-numbered ones check
    frames = make_frames(calib, photos[0::2], args.frames, args.size, seed=1600)
    aug = {}
    for role, m in models.items():
        aug[role] = os.path.join(work, f'{role}-aug.onnx')
        onnx.save(augmented(m), aug[role])
    stats_file = os.path.join(work, 'stats.json')
    t0 = time.time()
    node_tool('stats', frames, aug['decom'], aug['restore'], stats_file)
    stats = json.load(open(stats_file))
    print(f'calibrated on {args.frames} crops in {time.time() - t0:.0f} s')

    out = {}
    for role, m in models.items():
        q, keep = quantize(m, ranges(stats, role, args.tail), args.float, qmax)
        file = NETS[role].replace('.onnx', '-int8.onnx')
        out[role] = os.path.join(args.out, file)
        onnx.save(q, out[role])
        print(f'{role}: wrote {out[role]} ({os.path.getsize(out[role]) / 1e6:.2f} MB; float: {sorted(keep) or "none"})')

    held = os.path.join(work, 'held')
    os.makedirs(held, exist_ok=True)
    held_frames = make_frames(held, photos[1::2], args.compare_frames, args.size, seed=1601)
    cmp_file = os.path.join(work, 'compare.json')
    node_tool('compare', held_frames, os.path.join(WEIGHTS, NETS['decom']), os.path.join(WEIGHTS, NETS['restore']),
              out['decom'], out['restore'], cmp_file)
    mean = json.load(open(cmp_file))['mean']
    if args.no_manifest:
        return
    manifest_path = os.path.join(WEIGHTS, 'manifest.json')
    manifest = json.load(open(manifest_path))
    recipe = {'frames': args.frames, 'size': args.size, 'tail': args.tail, 'weights': f'per-channel symmetric int8, |q| <= {qmax}',
              'activations': 'per-tensor asymmetric uint8', 'float': args.float,
              'data': 'synthetic night crops (degrade.py, night_pair for a third) of shared/data/pristine/train'}
    for role in NETS:
        base = manifest['models']['kind'][role]
        entry = {**{k: v for k, v in base.items() if k not in ('sha256', 'exported')},
                 'file': os.path.basename(out[role]), 'precision': 'int8',
                 'quantized_from': base['sha256'], 'calibration': recipe,
                 'psnr_vs_fp32_db': {k: round(v, 2) for k, v in mean.items()},
                 'exported': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), 'sha256': sha256(out[role])}
        manifest['networks'][f'{role}-int8'] = entry
        for model in manifest['models'].values():  # kind-lite shares kind's Decom net, and so its int8 file
            if model.get(role, {}).get('sha256') == base['sha256']:
                model[f'{role}-int8'] = entry
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'manifest: {manifest_path}')


if __name__ == '__main__':
    main()
