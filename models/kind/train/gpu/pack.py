"""Packs what a lent GPU machine needs to train KinD's Restoration + Illumination on the smoother
Decom (issue #20 part 4) into .gpu/ at the repository root, which .git/info/exclude keeps out of git
and the device tool's `carry` takes along (its working tree may be 64 MiB in all, the repository's
own files included; ../shared/data does not travel).

    /usr/bin/python3 models/kind/train/gpu/pack.py            # then run.sh on the device: README.md

What goes: the training photos re-encoded with their longest side at most --side px (JPEG
--quality; the side shrinks in steps of 32 px until everything fits --budget MB with the
repository's own files, which travel too), the first 16 validation photos as they are (the
validation uses 8 + 16), their MANIFEST.tsv (the data folder's marker), and the smoother Decom's
checkpoint exported to ONNX (the frozen Decom the pairs go through).
"""
import argparse
import io
import os
import shutil
import subprocess
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
sys.path[:0] = [os.path.join(HERE, '..'), os.path.join(ROOT, 'models')]
from trainlib.data import data_root  # noqa: E402


def tracked_bytes():
    files = subprocess.run(['git', '-C', ROOT, 'ls-files', '-z'], capture_output=True, check=True).stdout.split(b'\0')
    return sum(os.path.getsize(os.path.join(ROOT, f.decode())) for f in files if f and os.path.exists(os.path.join(ROOT, f.decode())))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--side', type=int, default=400)
    ap.add_argument('--quality', type=int, default=85)
    ap.add_argument('--budget', type=float, default=64 * 1.048576 - 1, help='MB the device tool carries in all, less a margin')
    ap.add_argument('--decom-run', default='decom-smooth')
    args = ap.parse_args()
    out = os.path.join(ROOT, '.gpu')
    exclude = os.path.join(ROOT, '.git', 'info', 'exclude')
    if os.path.isdir(os.path.join(ROOT, '.git')):
        os.makedirs(os.path.dirname(exclude), exist_ok=True)
        if not os.path.exists(exclude) or '/.gpu/' not in open(exclude).read().split():
            with open(exclude, 'a') as f:
                f.write('/.gpu/\n')
    shutil.rmtree(out, ignore_errors=True)
    src = os.path.join(data_root(), 'pristine')
    dst = os.path.join(out, 'data', 'pristine')
    os.makedirs(os.path.join(dst, 'train'))
    os.makedirs(os.path.join(dst, 'val'))
    shutil.copy(os.path.join(src, 'MANIFEST.tsv'), dst)
    repository = tracked_bytes() / 1e6
    photos = [Image.open(os.path.join(src, 'train', name)).convert('RGB') for name in sorted(os.listdir(os.path.join(src, 'train')))]
    names = [os.path.splitext(name)[0] + '.jpg' for name in sorted(os.listdir(os.path.join(src, 'train')))]
    side = args.side
    while True:
        coded = []
        for img in photos:
            small = img.copy()
            small.thumbnail((side, side), Image.LANCZOS)
            buf = io.BytesIO()
            small.save(buf, 'JPEG', quality=args.quality)
            coded.append(buf.getvalue())
        # 8 MB for the validation photos, the Decom and the rest.
        if repository + sum(map(len, coded)) / 1e6 + 8 <= args.budget or side <= 160:
            break
        side -= 32
    for name, data in zip(names, coded):
        with open(os.path.join(dst, 'train', name), 'wb') as f:
            f.write(data)
    args.side = side
    for name in sorted(os.listdir(os.path.join(src, 'val')))[:16]:
        shutil.copy(os.path.join(src, 'val', name), os.path.join(dst, 'val'))
    import export  # noqa: E402 (torch: only now)
    import shipped  # noqa: E402
    export.export_onnx(shipped.frozen('decom', run=args.decom_run), 'decom', os.path.join(out, 'decom.onnx'))
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    total = size / 1e6 + repository
    print(f'.gpu/: {size / 1e6:.1f} MB ({len(os.listdir(os.path.join(dst, "train")))} training photos at ≤ {args.side} px); '
          f'with the repository {total:.1f} MB of the {args.budget:.1f} MB the device tool carries')
    if total > args.budget:
        raise SystemExit(f'over the budget: lower --side or --quality')


if __name__ == '__main__':
    main()
