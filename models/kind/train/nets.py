"""The three KinD networks as in the official code (models/kind/MODEL_CARD.md, "The networks and the recipe"), written for this project.

Every conv is 3x3 SAME with bias unless noted, activation lrelu(x) = max(0.2x, x).
Pooling is 2x2 stride 2 with ceil_mode (TF 'SAME': odd sizes round up), and each
decoder step is a 2x2 stride-2 ConvTranspose without bias whose output is cropped
to its skip connection, so any H, W (385x289, 1x1) goes through.

    >>> r, i = DecomNet()(torch.rand(1, 3, 289, 385))
    >>> RestorationNet('lite')(r, i).shape
    torch.Size([1, 3, 289, 385])
"""
import torch
from torch import nn

from trainlib.device import DEVICE

WIDTHS = {'full': [32, 64, 128, 256, 512], 'lite': [16, 32, 64, 128, 256]}


def conv(cin, cout, k=3):
    return nn.Conv2d(cin, cout, k, padding=k // 2)


def lrelu(x):
    return nn.functional.leaky_relu(x, 0.2)


def pool(x):
    return nn.functional.max_pool2d(x, 2, 2, ceil_mode=True)


class Up(nn.Module):
    """ConvTranspose 2x2 s2 (no bias), cropped to the skip, then concat([up, skip])."""

    def __init__(self, cin, cout):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(cin, cout, 2, stride=2, bias=False)

    def forward(self, x, skip):
        up = self.deconv(x)[:, :, :skip.shape[2], :skip.shape[3]]
        return torch.cat([up, skip], 1)


class DecomNet(nn.Module):
    """Splits a min-max stretched image into reflectance R [N,3] and illumination I [N,1]."""

    def __init__(self):
        super().__init__()
        self.conv1 = conv(3, 32)
        self.conv2 = conv(32, 64)
        self.conv3 = conv(64, 128)
        self.up8 = Up(128, 64)
        self.conv8 = conv(128, 64)
        self.up9 = Up(64, 32)
        self.conv9 = conv(64, 32)
        self.r_out = conv(32, 3, 1)
        self.l_conv2 = conv(32, 32)
        self.l_out = conv(64, 1, 1)

    def forward(self, x):
        c1 = lrelu(self.conv1(x))
        c2 = lrelu(self.conv2(pool(c1)))
        c3 = lrelu(self.conv3(pool(c2)))
        c8 = lrelu(self.conv8(self.up8(c3, c2)))
        c9 = lrelu(self.conv9(self.up9(c8, c1)))
        r = torch.sigmoid(self.r_out(c9))
        l2 = lrelu(self.l_conv2(c1))
        i = torch.sigmoid(self.l_out(torch.cat([l2, c9], 1)))
        return r, i


class RestorationNet(nn.Module):
    """U-Net that denoises reflectance, guided by illumination: (R, I) -> R'."""

    def __init__(self, width='full'):
        super().__init__()
        w = WIDTHS[width]
        self.width = width
        self.down = nn.ModuleList()
        cin = 4
        for c in w:
            self.down.append(nn.Sequential(conv(cin, c), conv(c, c)))
            cin = c
        self.ups = nn.ModuleList(Up(w[k + 1], w[k]) for k in reversed(range(len(w) - 1)))
        self.dec = nn.ModuleList(
            nn.Sequential(conv(2 * w[k], w[k]), conv(w[k], w[k])) for k in reversed(range(len(w) - 1)))
        self.out = conv(w[0], 3)

    @staticmethod
    def _block(seq, x):
        for c in seq:
            x = lrelu(c(x))
        return x

    def forward(self, r, i):
        x = torch.cat([r, i], 1)
        skips = []
        for k, block in enumerate(self.down):
            if k:
                x = pool(x)
            x = self._block(block, x)
            skips.append(x)
        skips.pop()
        for up, block in zip(self.ups, self.dec):
            x = self._block(block, up(x, skips.pop()))
        return torch.sigmoid(self.out(x))


class IllumNet(nn.Module):
    """Rescales illumination by a target ratio: (I [N,1,H,W], ratio [N] or [1]) -> I'."""

    def __init__(self):
        super().__init__()
        self.conv1 = conv(2, 32)
        self.conv2 = conv(32, 32)
        self.conv3 = conv(32, 32)
        self.conv4 = conv(32, 1)

    def forward(self, i, ratio):
        # The ratio map is built here so the ONNX graph takes ratio as a [1] tensor.
        ratio_map = ratio.reshape(-1, 1, 1, 1).expand_as(i)
        x = lrelu(self.conv1(torch.cat([i, ratio_map], 1)))
        x = lrelu(self.conv2(x))
        x = lrelu(self.conv3(x))
        return torch.sigmoid(lrelu(self.conv4(x)))


class ExposureNet(nn.Module):
    """Learned auto-exposure: I [1,1,H,W] -> log of the brightening ratio for IllumNet.

    The features are a soft 16-bin histogram of I (Gaussian bins, fixed) and log mean(I); a
    two-layer MLP adds a correction to the mean rule log(target) - log(mean(I)) that
    kind.illumination `mode: auto` uses, and starts as exactly that rule (target 0.65).
    Whole-image statistics only, so the graph takes any H and W (1x1 too)."""

    BINS = 16

    def __init__(self, target=0.65, hidden=16):
        super().__init__()
        self.register_buffer('centers', torch.linspace(0, 1, self.BINS).view(1, self.BINS, 1, 1))
        self.sigma = 0.5 / (self.BINS - 1)
        self.log_target = nn.Parameter(torch.tensor(float(torch.log(torch.tensor(target)))))
        self.fc1 = nn.Linear(self.BINS + 1, hidden)
        self.fc2 = nn.Linear(hidden, 1)
        nn.init.zeros_(self.fc2.weight)
        nn.init.zeros_(self.fc2.bias)

    def features(self, i):
        bins = torch.exp(-(i - self.centers) ** 2 / (2 * self.sigma ** 2)).mean(dim=(2, 3))
        bins = bins / bins.sum(dim=1, keepdim=True).clamp(min=1e-6)
        log_mean = torch.log(i.mean(dim=(2, 3)).clamp(min=1e-4))
        return torch.cat([bins, log_mean], 1)

    def predict(self, feats):
        """log ratio [N] from features [N, BINS + 1] (training works on cached features)."""
        log_mean = feats[:, -1]
        return self.log_target - log_mean + self.fc2(lrelu(self.fc1(feats))).squeeze(1)

    def forward(self, i):
        return self.predict(self.features(i)).reshape(1)


def count_params(net):
    return sum(p.numel() for p in net.parameters())


def build(role, width='full'):
    """role: 'decom' | 'restore' | 'illum' | 'exposure'; on the training device (trainlib.device)."""
    nets = {'decom': DecomNet, 'restore': lambda: RestorationNet(width), 'illum': IllumNet, 'exposure': ExposureNet}
    if role not in nets:
        raise ValueError(f'unknown role {role!r}')
    return nets[role]().to(DEVICE)
