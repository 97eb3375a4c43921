"""Moves weights between the PyTorch nets and shipped ONNX files.

Shipped files store each parameter as an fp16 initializer named '<param>.fp16'
followed by a Cast to float named '<param>', so onnxruntime computes in fp32 while
the files stay half size.
"""
import hashlib
import os
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

SUFFIX = '.fp16'


def to_fp16_initializers(model, names):
    """Rewrites the float initializers in `names` as fp16 + Cast nodes (in place)."""
    graph = model.graph
    casts, keep = [], []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and init.name in names:
            half = numpy_helper.to_array(init).astype(np.float16)
            keep.append(numpy_helper.from_array(half, init.name + SUFFIX))
            casts.append(helper.make_node('Cast', [init.name + SUFFIX], [init.name],
                                          to=TensorProto.FLOAT, name='cast_' + init.name))
        else:
            keep.append(init)
    del graph.initializer[:]
    graph.initializer.extend(keep)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def onnx_params(path):
    """Parameter name -> float32 array, from a shipped ONNX file."""
    out = {}
    for init in onnx.load(path).graph.initializer:
        name = init.name[:-len(SUFFIX)] if init.name.endswith(SUFFIX) else init.name
        out[name] = numpy_helper.to_array(init).astype(np.float32)
    return out


def load_onnx_into(net, path):
    """Loads a shipped ONNX file's weights into `net`; every parameter must be present."""
    params = onnx_params(path)
    state = net.state_dict()
    missing = [k for k in state if k not in params]
    if missing:
        raise KeyError(f'{path}: no initializer for {missing[:5]}; was it exported by export.py?')
    net.load_state_dict({k: torch.from_numpy(params[k]).reshape(state[k].shape) for k in state})
    return net


def export_fp16(net, args, path, input_names, output_names, dynamic_axes, producer):
    """torch.onnx.export of `net` (opset 13) with every parameter as an fp16 initializer + Cast,
    checked, then written to `path`. Fails when the export renamed a parameter (the weights
    could then not be loaded back by load_onnx_into)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, 'raw.onnx')
        torch.onnx.export(net, args, raw, opset_version=13, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes, do_constant_folding=True)
        model = onnx.load(raw)
    names = set(net.state_dict())
    found = {i.name for i in model.graph.initializer}
    if not names <= found:
        raise RuntimeError(f'{path}: parameters renamed by export: {sorted(names - found)[:5]}')
    to_fp16_initializers(model, names)
    model.producer_name = producer
    onnx.checker.check_model(model)
    onnx.save(model, path)


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()
