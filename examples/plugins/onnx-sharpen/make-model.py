"""Writes sharpen.onnx: uint8 [1,H,W,3] rgb24 + float amount [1] -> uint8 [1,H,W,3].

An unsharp mask inside the graph (layout change, 3x3 Gaussian blur per channel, x + amount * (x - blur),
clip, round, back to bytes), so the plugin hands ffmpeg's bytes straight to onnxruntime and does no
per-pixel work in JavaScript (per-pixel loops in JavaScript cost 4x what the same ops cost inside an ONNX graph). Run with Debian's torch: /usr/bin/python3 make-model.py
"""
import torch


class Sharpen(torch.nn.Module):
    def __init__(self):
        super().__init__()
        k = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]) / 16.0
        self.register_buffer("kernel", k.expand(3, 1, 3, 3).clone())

    def forward(self, image, amount):
        x = image.permute(0, 3, 1, 2).float()
        padded = torch.nn.functional.pad(x, (1, 1, 1, 1), mode="replicate")
        blur = torch.nn.functional.conv2d(padded, self.kernel, groups=3)
        out = torch.clamp(x + amount.reshape(1, 1, 1, 1) * (x - blur), 0.0, 255.0)
        return torch.round(out).to(torch.uint8).permute(0, 2, 3, 1)


torch.onnx.export(
    Sharpen(),
    (torch.zeros(1, 8, 8, 3, dtype=torch.uint8), torch.tensor([1.0])),
    "sharpen.onnx",
    input_names=["image", "amount"],
    output_names=["sharpened"],
    dynamic_axes={"image": {1: "H", 2: "W"}, "sharpened": {1: "H", 2: "W"}},
    opset_version=13,
)
