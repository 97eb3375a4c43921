"""Where training runs: KIND_TRAIN_DEVICE (default cpu; cuda on a lent GPU machine,
models/kind/train/gpu.sh). Every tensor the training makes goes there: the batches (data.to_tensor),
the nets (nets.build, shipped.frozen) and the constants the losses and metrics make."""
import os

import torch

DEVICE = torch.device(os.environ.get('KIND_TRAIN_DEVICE', 'cpu'))
