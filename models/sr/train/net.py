"""The ×2 super-resolution network: a small residual ESPCN.

The net sees the low-resolution frame and predicts the detail that a bicubic upsample
misses: out = bicubic×s(x) + PixelShuffle(tail(body(head(x)) + head(x)))
(leaky ReLU, slope 0.1: with plain ReLU the body died — every unit negative — and the net
collapsed to bicubic within 1000 steps). Every conv runs at
the input resolution, so the cost per output pixel stays low (about 15 k multiply-adds per
input pixel per 32-channel conv), and the only op outside Conv/Relu/Add is one Resize
(cubic, half-pixel), LeakyRelu and one DepthToSpace in the exported ONNX graph.

    >>> net = build(scale=2)          # 32 channels, 3 residual blocks: 60 k parameters
    >>> y = net(torch.rand(1, 3, 90, 160))    # -> 1x3x180x320
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ResBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return x + self.conv2(F.leaky_relu(self.conv1(x), 0.1))


class ResESPCN(nn.Module):
    def __init__(self, scale=2, channels=32, blocks=3):
        super().__init__()
        self.scale = scale
        self.head = nn.Conv2d(3, channels, 3, padding=1)
        self.body = nn.Sequential(*[ResBlock(channels) for _ in range(blocks)])
        self.tail = nn.Conv2d(channels, 3 * scale * scale, 3, padding=1)
        self.shuffle = nn.PixelShuffle(scale)
        # The residual starts small, so an untrained net is close to bicubic upscaling; not at
        # zero, which leaves the body without gradient and trains far slower.
        with torch.no_grad():
            self.tail.weight.mul_(0.1)
            self.tail.bias.zero_()

    def forward(self, x):
        base = F.interpolate(x, scale_factor=self.scale, mode='bicubic', align_corners=False)
        h = F.leaky_relu(self.head(x), 0.1)
        h = self.body(h) + h
        return base + self.shuffle(self.tail(h))


def build(scale=2, channels=32, blocks=3):
    return ResESPCN(scale, channels, blocks)


def count_params(net):
    return sum(p.numel() for p in net.parameters())


def blocks_in(names):
    """How many residual blocks a state dict (or ONNX initializer list) with these names holds."""
    return len({n.split('.')[1] for n in names if n.startswith('body.')})


def deepen_from(net, state):
    """Loads a shallower net's weights into `net`; the extra blocks start as the identity
    (conv2 zero), so the deeper net begins exactly where the shallow one ended."""
    missing, unexpected = net.load_state_dict(state, strict=False)
    if unexpected:
        raise KeyError(f'weights not in the deeper net: {unexpected[:5]}')
    with torch.no_grad():
        for i in range(blocks_in(state), len(net.body)):
            net.body[i].conv2.weight.zero_()
            net.body[i].conv2.bias.zero_()
    return net
