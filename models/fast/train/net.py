"""kind-fast's network (the design and its reasons: fast.py's doc comment and ../MODEL_CARD.md).

    net = FastCurve(); out = net(frame_nchw_0_1)        # training
    graph = Uint8Io(net)                                # the shipped uint8 NHWC graph
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

ITERATIONS = 8
EPS = 1.0 / 255


class DwSep(nn.Module):
    def __init__(self, c, dilation=1):
        super().__init__()
        self.dw = nn.Conv2d(c, c, 3, padding=dilation, dilation=dilation, groups=c)
        self.pw = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return F.relu(self.pw(self.dw(x)))


class FastCurve(nn.Module):
    """Input: float NCHW 0..1; output the same size, 0..1."""

    def __init__(self, c=16, down=4):
        super().__init__()
        self.down = down
        self.stem = nn.Conv2d(6, c, 3, padding=1)
        self.body = nn.ModuleList([DwSep(c, 1), DwSep(c, 2), DwSep(c, 4), DwSep(c, 1)])
        self.glob = nn.Sequential(nn.Conv2d(c + 3, c, 1), nn.ReLU(), nn.Conv2d(c, c, 1))
        self.head = nn.Conv2d(c, 4, 3, padding=1)
        self.register_buffer('unit', torch.ones(c, 1, 1, 1), persistent=False)  # add_per_channel's weights

    def affine(self, low, spread):
        """Per-pixel gain P and offset Q at low resolution: out = up(P) * x + up(Q).

        `spread` is the standard deviation inside each pooled block: noise plus texture, which the
        pooled image alone cannot show; it tells the net how much to denoise, and how dark the
        exposure was (the darker, the noisier after the camera's gain)."""
        p, q, _ = self.affine_in_context(low, spread)
        return p, q

    def affine_in_context(self, low, spread, context=None, mix=None):
        """affine(), and the image-wide statistics g it used (1×19×1×1).

        With `context` (the g of the frames before) and `mix` (a weight in 0..1), the net uses
        mix·g + (1−mix)·context instead of this frame's g: on video, exposure and colour cast
        then follow the scene smoothly instead of pumping with each frame's noise."""
        a, w, g = self.heads(low, spread, context, mix)
        p, q = curve_affine(low, a, w)
        return p, q, g

    def heads(self, low, spread, context=None, mix=None):
        """The learned part: curve strength a (tanh, 3 channels) and detail weight w (sigmoid), and g."""
        f = F.relu(self.stem(torch.cat([low, 4 * spread], 1)))
        for i, block in enumerate(self.body):
            f = block(f) + f
            if i == 1:  # exposure and colour cast are image-wide: mix in global statistics
                g = torch.cat([f.mean(dim=(2, 3), keepdim=True), low.mean(dim=(2, 3), keepdim=True)], 1)
                if context is not None:
                    g = mix * g + (1 - mix) * context
                f = F.relu(self.add_per_channel(f, self.glob(g)))
        h = self.head(f)
        return torch.tanh(h[:, :3]), torch.sigmoid(h[:, 3:4]), g

    def add_per_channel(self, f, bias):
        """f + bias (1×c×1×1). For a batch of one (the exported graphs) as a 1×1 depthwise
        convolution with unit weights and `bias` as its bias: onnxruntime runs a broadcast Add on
        its blocked layout ~10× slower (3.4 ms of 20 at 320×180), the convolution fused."""
        if f.shape[0] != 1:
            return f + bias
        return F.conv2d(f, self.unit, bias.reshape(-1), groups=self.unit.shape[0])

    def pooled(self, x, unit=1.0):
        """The block mean and the block standard deviation of x / unit, at 1/down resolution."""
        low = F.avg_pool2d(x, self.down, ceil_mode=True) / unit
        square = F.avg_pool2d(x * x, self.down, ceil_mode=True) / (unit * unit)
        return low, torch.sqrt(torch.clamp(square - low * low, min=0) + 1e-6)

    def forward(self, x):
        p, q = self.affine(*self.pooled(x))
        size = x.shape[-2:]
        up = F.interpolate(torch.cat([p, q], 1), size=size, mode='bilinear', align_corners=False)
        return torch.clamp(up[:, :3] * x + up[:, 3:], 0, 1)


def curve_affine(low, a, w):
    """P and Q from the heads: y = LE⁸(low; a), gain = y / low, P = gain·w, Q = gain·(1−w)·low.
    plugins/fast-enhance/kernels.wat (`curves`) does the same arithmetic in float32."""
    y = low
    for _ in range(ITERATIONS):
        y = y + a * y * (1 - y)
    gain = y / torch.clamp(low, min=EPS)
    return gain * w, gain * (1 - w) * low


class Uint8Io(nn.Module):
    """The shipped graph: uint8 NHWC RGB frame in, uint8 NHWC out, so the stage copies nothing.

    Same arithmetic as FastCurve.forward with the 0..255 scale folded into the low-resolution
    maps, so that full resolution costs a transpose, a cast, the pooling, two resizes, a
    multiply-add and a cast back (rounding: +0.5 then the cast's truncation)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, frame):
        x = frame.permute(0, 3, 1, 2).float()
        p, q = self.net.affine(*self.net.pooled(x, 255.0))
        size = x.shape[-2:]
        p = F.interpolate(p, size=size, mode='bilinear', align_corners=False)
        q = F.interpolate(q * 255.0 + 0.5, size=size, mode='bilinear', align_corners=False)
        return torch.clamp(p * x + q, 0, 255.49).to(torch.uint8).permute(0, 2, 3, 1)


class LowResHeads(nn.Module):
    """The learned low-resolution part of Uint8Io, for stages that pool, apply the curves and slice
    themselves (plugins/fast-enhance): in the 4×4 block means and standard deviations of the frame
    (float NCHW, 0..1) and the context; out the heads a (3 channels, −1..1) and w (0..1) stacked as
    1×4×h×w, and the context used (feed it back as `context` on the next frame). The eight curve
    iterations are elementwise, and cost the runtime more than the convolutions' half: the stage's
    SIMD kernel does them in one pass."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, low, spread, context, mix):
        a, w, g = self.net.heads(low, spread, context, mix)
        return torch.cat([a, w], 1), g


CONTEXT = 19  # 16 feature means + the 3 channel means of the pooled frame


def count(net):
    return sum(p.numel() for p in net.parameters())
