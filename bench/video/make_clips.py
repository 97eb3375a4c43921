"""Static-camera test clips for `npm run bench:video` (issue #16), made from pristine/val photos.

Each clip: a fixed background photo, one to three moving objects (crops of other photos, entering
and leaving at 1-20 px/frame, 5-20 % of the frame), optionally a lamp switching on (+60 % light
over 5 frames) or a panning camera (everything moves: the worst case). The clean frames are the
ground truth; the camera model of models/kind/train/degrade.py (blur, under-exposure, white
balance, Poisson-Gaussian sensor noise drawn anew for every frame, 8-bit) makes the dark frames,
which ffmpeg compresses with H.264 as a recorder would. Fixed seeds: the same clips every run.

    /usr/bin/python3 bench/video/make_clips.py --val ../shared/data/pristine/val --out DIR --size 640x360 --frames 48

Writes per clip NAME.mp4 (the dark input), NAME.clean.rgb (raw rgb24 ground truth, frame after
frame), NAME.mask.gray (raw uint8 per frame: 255 where an object is) and clips.json.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'models', 'kind', 'train'))
from degrade import draw_params, gaussian_blur, linear_to_srgb, srgb_to_linear  # noqa: E402

CLIPS = [
    # name, objects (speed px/frame, height share), light change, pan
    ('one-walker', [(3, 0.55)], False, False),
    ('three-movers', [(1, 0.4), (8, 0.5), (20, 0.35)], False, False),
    ('lamp-on', [(4, 0.5)], True, False),
    ('all-motion', [], False, True),
]


def load(path, width, height):
    img = Image.open(path).convert('RGB')
    scale = max(width / img.width, height / img.height)
    img = img.resize((max(width, round(img.width * scale)), max(height, round(img.height * scale))), Image.BICUBIC)
    left, top = (img.width - width) // 2, (img.height - height) // 2
    return np.asarray(img.crop((left, top, left + width, top + height)), dtype=np.float64) / 255.0


def clip_frames(photos, index, width, height, frames, objects, lamp, pan, rng):
    """Clean sRGB frames (float HxWx3 0..1) and object masks."""
    if pan:
        wide = load(photos[index % len(photos)], width * 2, height)
    else:
        background = load(photos[index % len(photos)], width, height)
    movers = []
    for k, (speed, share) in enumerate(objects):
        h = max(8, int(height * share))
        w = max(8, int(h * rng.uniform(0.5, 1.2)))
        crop = load(photos[(index + 7 + 5 * k) % len(photos)], w, h)
        y = int(rng.uniform(0, height - h))
        direction = 1 if k % 2 == 0 else -1
        # Its centre crosses a point of the middle of the frame halfway through the clip: a slow
        # one stays in view, a fast one enters and leaves.
        centre = rng.uniform(0.3, 0.7) * width
        x0 = centre - w / 2 - direction * speed * frames / 2
        movers.append((crop, y, x0, direction * speed))
    out, masks = [], []
    for f in range(frames):
        frame = wide[:, f * 8 % width: f * 8 % width + width].copy() if pan else background.copy()
        mask = np.zeros((height, width), np.uint8)
        for crop, y, x0, v in movers:
            x = int(round(x0 + v * f))
            h, w = crop.shape[:2]
            a, b = max(0, x), min(width, x + w)
            if a < b:
                frame[y:y + h, a:b] = crop[:, a - x:b - x]
                mask[y:y + h, a:b] = 255
        if lamp:
            # +60 % light from frame 20 over 5 frames, in linear light.
            gain = 1 + 0.6 * min(1.0, max(0.0, (f - 20 + 1) / 5))
            frame = linear_to_srgb(srgb_to_linear(frame) * gain)
        out.append(np.clip(frame, 0, 1))
        masks.append(mask)
    return out, masks


def camera(clean, params, rng):
    """The dark frame: degrade.py's steps 2-6 with this frame's own noise (no JPEG: H.264 follows)."""
    x = gaussian_blur(srgb_to_linear(clean), params['blur_sigma'])
    x = x * params['exposure'] * np.array(params['wb_gains'])
    photons = params['photons_full_scale'] * np.array(params['channel_sensitivity'])
    x = rng.poisson(np.clip(x, 0, 1) * photons) / photons + rng.normal(0.0, params['read_noise'], x.shape)
    return np.round(linear_to_srgb(x) * 255.0).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--val', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--size', default='640x360')
    ap.add_argument('--frames', type=int, default=48)
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split('x'))
    photos = sorted(os.path.join(args.val, n) for n in os.listdir(args.val) if n.lower().endswith(('.jpg', '.png')))
    os.makedirs(args.out, exist_ok=True)
    listing = []
    for index, (name, objects, lamp, pan) in enumerate(CLIPS):
        rng = np.random.default_rng(1600 + index)
        params = draw_params(rng, 'severe')  # 2-8 % exposure: a night scene
        params['photons_full_scale'] = float(np.clip(params['photons_full_scale'], 80, 400))  # a noisy night camera
        clean, masks = clip_frames(photos, 3 + 11 * index, width, height, args.frames, objects, lamp, pan, rng)
        stem = os.path.join(args.out, f'{name}-{width}x{height}')
        with open(stem + '.clean.rgb', 'wb') as f:
            for frame in clean:
                f.write(np.round(frame * 255).astype(np.uint8).tobytes())
        with open(stem + '.mask.gray', 'wb') as f:
            for mask in masks:
                f.write(mask.tobytes())
        encoder = subprocess.Popen(['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{width}x{height}', '-r', '25', '-i', 'pipe:0',
                                    '-c:v', 'libx264', '-crf', '23', '-preset', 'medium', '-pix_fmt', 'yuv420p', stem + '.mp4'], stdin=subprocess.PIPE)
        for frame in clean:
            encoder.stdin.write(camera(frame, params, rng).tobytes())
        encoder.stdin.close()
        if encoder.wait() != 0:
            sys.exit(f'ffmpeg failed on {stem}.mp4')
        motion = float(np.mean([m.mean() / 255 for m in masks]))
        listing.append({'name': name, 'width': width, 'height': height, 'frames': args.frames, 'fps': 25, 'input': stem + '.mp4',
                        'clean': stem + '.clean.rgb', 'mask': stem + '.mask.gray', 'motionShare': 1.0 if pan else motion, 'lamp': lamp, 'pan': pan,
                        'camera': {k: params[k] for k in ('exposure', 'photons_full_scale', 'read_noise', 'blur_sigma')}})
        print(f'{name} {width}x{height}: {args.frames} frames, objects cover {100 * motion:.1f} % on average', file=sys.stderr)
    with open(os.path.join(args.out, f'clips-{width}x{height}.json'), 'w') as f:
        json.dump(listing, f, indent=2)


if __name__ == '__main__':
    main()
