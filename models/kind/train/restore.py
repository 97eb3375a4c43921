"""Trains one of KinD's Restoration nets (R' = Restore(R, I)) on the frozen Decom net, seeded and
resumable; runs/restore-<width>[-final|-joint]/ (or --run NAME).

    /usr/bin/python3 models/kind/train/restore.py --width lite --minutes 35 --resume
    /usr/bin/python3 models/kind/train/restore.py --width full --loss joint --minutes 600 \\
        --init-from-onnx ../weights/kind-restore.onnx --lr 5e-5 --illum-lr 1e-4 --ema 0.998 --threads 1

--loss stage: MSE + (1 − SSIM) + gradient of R' against R_normal (the paper). final: the output
R'·I' against the photo (I' by the frozen Illumination net at the pair's ratio), plus a tenth of
the stage-wise loss. joint: as final, training the Illumination net too (its own --illum-lr).
"""
import argparse
import copy
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
import nets  # noqa: E402
import stage  # noqa: E402
from pairs import Pairs, val_set  # noqa: E402
from retinex import pair_ratio, recipe  # noqa: E402
from shipped import frozen, is_trained, shipped_file, shipped_networks  # noqa: E402
from stage_losses import final_loss, restore_loss  # noqa: E402
from trainlib.onnx_weights import load_onnx_into  # noqa: E402
from trainlib.metrics import psnr  # noqa: E402

LR = 2e-4


@torch.no_grad()
def validate(net, decom, illum, val):
    """PSNR of R' and of R_low against R_normal; with an Illumination net, of R'·I' at the
    pair's ratio and of the official recipe at the oracle ratio and at ratio 5 against the photo."""
    acc = {}

    def add(k, v):
        acc.setdefault(k, []).append(v)

    net.eval()
    for low, high, raw in zip(*val):
        r_l, i_l = decom(low)
        r_h, i_h = decom(high)
        r_out = net(r_l, i_l)
        add('psnr_r_restored_vs_r_normal', psnr(r_out, r_h))
        add('psnr_r_low_vs_r_normal', psnr(r_l, r_h))
        if illum is not None:
            add('psnr_product_pair_ratio', psnr(r_out * illum(i_l, pair_ratio(i_l, i_h)), raw))
            for tag, ratio in (('oracle_ratio', i_h.mean() / i_l.mean().clamp(min=1e-3)), ('ratio5', torch.tensor(5.0, device=i_l.device))):
                add(f'psnr_recipe_{tag}', psnr(recipe(low, r_l, i_l, r_out, illum(i_l, ratio.view(1))), raw))
    net.train()
    return {k: round(sum(v) / len(v), 4) for k, v in acc.items()}


def averaged(nets_by_key, ck, decay):
    """{key: (live net, its exponential moving average)}, the averages resumed from ck."""
    out = {}
    for key, live in nets_by_key.items():
        avg = copy.deepcopy(live)
        if f'ema_{key}' in ck:
            avg.load_state_dict(ck[f'ema_{key}'])
        for p in avg.parameters():
            p.requires_grad_(False)
        out[key] = (live, avg)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    stage.add_arguments(ap, batch=4, patch=128, lr=LR)
    ap.add_argument('--width', choices=['full', 'lite'], default='full')
    ap.add_argument('--loss', choices=['stage', 'final', 'joint'], default='stage',
                    help="'stage' (R' against R_normal, as in the paper), 'final' (R'·I' against the photo, "
                         "runs/restore-<width>-final/) or 'joint' (the same, training the Illumination net too, "
                         "runs/restore-<width>-joint/)")
    ap.add_argument('--init-illum-from-onnx', help="joint: the Illumination net's starting weights "
                    "(default: the shipped kind-illum.onnx); final: the frozen Illumination net's file")
    ap.add_argument('--illum-lr', type=float, default=2e-4, help='joint: learning rate of the Illumination net')
    ap.add_argument('--lights', type=float, default=0.0,
                    help='share of the training pairs with light sources (degrade.night_pair), e.g. 0.3')
    ap.add_argument('--camera', type=float, default=0.0,
                    help='share of the training pairs with a black offset and low-bitrate H.264 instead of JPEG '
                         '(degrade camera=True, issue #20), e.g. 0.3')
    ap.add_argument('--black', type=float, default=0.0,
                    help='final/joint: weight of the black-level and contrast term (stage_losses.black_contrast_loss), e.g. 0.5')
    ap.add_argument('--neutral-wb', type=float, default=0.0,
                    help='share of the training pairs whose white balance is drawn around neutral '
                         '(degrade neutral_wb) instead of warm street light, e.g. 0.5')
    ap.add_argument('--ema', type=float, default=0.0,
                    help='keep an exponential moving average of the weights with this decay (e.g. 0.998); '
                         'validation, export.py and frozen() then use the average')
    ap.add_argument('--run', help='the run folder under runs/ (default: from width and loss), '
                                  'e.g. a copy of a shipped run to fine-tune beside it')
    ap.add_argument('--decom-onnx', help='frozen Decom weights from this ONNX file instead of runs/decom')
    ap.add_argument('--bf16', type=int, default=1, help='bfloat16 autocast (1/0)')
    args = ap.parse_args()

    joint, final = args.loss == 'joint', args.loss in ('final', 'joint')
    name = args.run or f'restore-{args.width}' + {'stage': '', 'final': '-final', 'joint': '-joint'}[args.loss]
    decom = frozen('decom', args.decom_onnx)  # before the seed, as the shipped nets were trained
    h = stage.open_run(name, args, 'restore')
    net = nets.build('restore', args.width)
    illum = nets.build('illum') if joint else None
    groups = [{'params': net.parameters(), 'lr': args.lr or LR}]
    if joint:
        groups.append({'params': illum.parameters(), 'lr': args.illum_lr})
    opt = torch.optim.Adam(groups)
    ck = stage.start(h, net, opt, args, f'restore-{args.width}')
    illum_prior = {'steps': 0, 'minutes': 0.0}  # joint: the Illumination file's own history
    if joint and ck:
        illum.load_state_dict(ck['illum'])
        illum_prior = ck['illum_prior']
        opt.param_groups[1]['lr'] = args.illum_lr
    elif joint and args.init_from_pt:
        weights = torch.load(args.init_from_pt, map_location='cpu', weights_only=False)
        illum.load_state_dict({k: v.float() for k, v in weights['illum'].items()})
        illum_prior = weights.get('illum_prior', illum_prior)
        h.say(f'joint: Illumination net from {args.init_from_pt}')
    elif joint:
        start = args.init_illum_from_onnx or shipped_file('illum')
        load_onnx_into(illum, start)
        e = {n['file']: n for n in shipped_networks().values()}.get(os.path.basename(start), {})
        if e.get('trained'):
            illum_prior = {'steps': e['steps'], 'minutes': e['minutes']}
        h.say(f'joint: Illumination net from {start} (prior {illum_prior})')
    if h.finished():
        return 0

    # The averaged weights (--ema): what validation scores and export.py ships, far steadier
    # between checkpoints than the raw weights at a fine-tuning learning rate.
    ema = averaged({'model': net, **({'illum': illum} if joint else {})}, ck, args.ema) if args.ema else {}
    if ema:
        h.say(f'weight averaging, decay {args.ema} ({"resumed" if "ema_model" in ck else "from the current weights"})')

    @torch.no_grad()
    def update_average():
        for live, avg in ema.values():
            for a, p in zip(avg.parameters(), live.parameters()):
                a.mul_(args.ema).add_(p, alpha=1 - args.ema)

    pairs = Pairs(stage.train_images(h), h.rng, raw_normal=final, lights=args.lights, neutral_wb=args.neutral_wb, camera=args.camera)
    val = val_set()
    ctx = {'decom': decom, 'rng': h.rng, 'bf16': bool(args.bf16), 'black': args.black}
    if joint:
        ctx['illum'], ctx['joint'] = illum, True
    else:  # --init-illum-from-onnx: e.g. kind-lite-illum.onnx for kind-lite's Restoration
        ctx['illum'] = frozen('illum', args.init_illum_from_onnx) if args.init_illum_from_onnx or is_trained('illum') else None
    if final and ctx['illum'] is None:
        raise SystemExit('--loss final needs trained Illumination weights (runs/illum or the shipped file)')
    stage.describe(h, net, opt, args)
    if args.lights or args.neutral_wb or args.camera:
        h.say(f'{args.lights:.0%} of pairs with light sources, {args.neutral_wb:.0%} at neutral white balance, '
              f'{args.camera:.0%} with black offset and H.264')

    def state():
        return {'model': net.state_dict(), 'opt': opt.state_dict(),
                **({'illum': illum.state_dict(), 'illum_prior': illum_prior} if joint else {}),
                **{f'ema_{k}': avg.state_dict() for k, (_, avg) in ema.items()}}

    def score():
        if ema:
            return validate(ema['model'][1], decom, ema['illum'][1] if joint else ctx['illum'], val)
        return validate(net, decom, ctx['illum'], val)

    step = stage.stepper(net, opt, final_loss if final else restore_loss, ctx,
                         lambda: pairs.batch(args.batch, args.patch), update_average if ema else None)
    return h.train(step, state, score)


if __name__ == '__main__':
    raise SystemExit(main())
