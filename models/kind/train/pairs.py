"""KinD's training and validation pairs: a patch of a photo is the normal image, degrade() of
it the low one (night_pair: with light sources, the lit photo as the normal image).

    pairs = Pairs(load_images('train'), rng); low, normal = pairs.batch(4, 128)
"""
import numpy as np
from PIL import Image

from degrade import degrade, night_pair
from retinex import stretch
from trainlib.data import centre_crop, load_images, pair_batch, to_tensor

VAL_CROP = 192
VAL_IMAGES = 8


class Pairs:
    """Random (low, normal) patch batches; all randomness from one numpy Generator.

    Stretched as at KinD's inference by default; `stretched=False` gives the frames as the camera
    and the photo are (models/fast trains on those). With `lights` > 0 that share of the pairs
    holds light sources (degrade.night_pair: the lit photo is the normal image); with `camera` > 0
    that share has a black offset and H.264 coding (degrade camera=True)."""

    def __init__(self, images, rng, stretched=True, raw_normal=False, lights=0.0, neutral_wb=0.0, camera=0.0):
        self.images, self.rng, self.stretched, self.raw_normal = images, rng, stretched, raw_normal
        self.lights, self.neutral_wb, self.camera = lights, neutral_wb, camera

    def make(self, patch, rng):
        if self.lights and rng.random() < self.lights:
            normal, low, _ = night_pair(patch, rng)
            return low, normal
        neutral = bool(self.neutral_wb) and rng.random() < self.neutral_wb
        camera = bool(self.camera) and rng.random() < self.camera
        return degrade(patch, rng, neutral_wb=neutral, camera=camera)[0], patch

    def batch(self, n, size):
        low, normal = pair_batch(self.images, self.rng, n, size, self.make)
        if not self.stretched:
            return low, normal
        if self.raw_normal:  # the photo as the benchmark scores against it (end-to-end loss)
            return stretch(low), normal
        return stretch(low), stretch(normal)


def night_val(count, crop):
    """[(low, photo)] uint8: square centre crops of the first val photos, alternately degraded
    mild and severe with fixed seeds."""
    out = []
    for k, img in enumerate(load_images('val', count)):
        photo = centre_crop(img, crop, square=True)
        low, _ = degrade(photo, np.random.default_rng(1000 + k), ['mild', 'severe'][k % 2])
        out.append((low, photo))
    return out


def val_set():
    """KinD's validation: (stretched lows, stretched normals, raw photos), one tensor each crop."""
    val = night_val(VAL_IMAGES, VAL_CROP)
    return ([stretch(to_tensor([low])) for low, _ in val], [stretch(to_tensor([p])) for _, p in val],
            [to_tensor([p]) for _, p in val])


def load_crop(path, size):
    """An image file's square centre crop as a [1,3,H,W] tensor."""
    return to_tensor([centre_crop(np.asarray(Image.open(path).convert('RGB')), size, square=True)])
