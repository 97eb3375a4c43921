"""What the KinD stage scripts (decom.py, illum.py, restore.py) share: their common flags, the
start of a run (resume, or the shipped file's weights and history), the training step, and the
whole run of a stage that trains one net on varying patch sizes (decom, illum).

    h = open_run('restore-lite', args, 'restore'); ck = start(h, net, opt, args, 'restore-lite')
    return train_one('decom', args, 5e-4, decom_loss, validate)
"""
import os

import torch

import nets
from pairs import Pairs, val_set
from shipped import RUNS, shipped_networks
from trainlib import harness
from trainlib.data import data_root, load_images
from trainlib.onnx_weights import load_onnx_into

# the numpy stream of each stage: Generator([seed, STREAM[stage]])
STREAM = {'decom': 0, 'illum': 1, 'restore': 2}


def add_arguments(ap, batch, patch, lr):
    harness.add_arguments(ap)
    ap.add_argument('--batch', type=int, default=batch)
    ap.add_argument('--patch', type=int, default=patch)
    ap.add_argument('--lr', type=float, default=None,
                    help=f'learning rate (default {lr}); with --resume it overrides the checkpoint\'s')
    ap.add_argument('--init-from-onnx', help='start from shipped weights when no checkpoint exists')
    ap.add_argument('--init-from-pt', help="start from a weights file of gpu/weights.py ('model', and 'illum' for "
                                           "--loss joint) when no checkpoint exists: what a GPU run brought back")


def open_run(name, args, stage):
    return harness.Harness(os.path.join(RUNS, name), args, stream=(STREAM[stage],))


def start(h, net, opt, args, history):
    """Resumes net and opt from h's checkpoint (an explicit --lr overrides the saved one), or
    loads --init-from-onnx, carrying the manifest's history of network `history` forward.
    Returns the checkpoint, or {} for a new run."""
    ck = h.resume()
    if ck:
        net.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        if args.lr:
            opt.param_groups[0]['lr'] = args.lr
        return ck
    if getattr(args, 'init_from_pt', None):
        weights = torch.load(args.init_from_pt, map_location='cpu', weights_only=False)
        net.load_state_dict({k: v.float() for k, v in weights['model'].items()})
        h.carry(weights['steps'], weights['minutes'])
        h.say(f'initialised {h.name} from {args.init_from_pt} (prior {h.prior})')
    elif args.init_from_onnx:
        load_onnx_into(net, args.init_from_onnx)
        e = shipped_networks().get(history, {})
        if e.get('trained'):
            h.carry(e['steps'], e['minutes'])
        h.say(f'initialised {h.name} from {args.init_from_onnx} (prior {h.prior})')
    return {}


def train_images(h):
    h.say(f'loading data from {data_root()}/pristine')
    return load_images('train')


def stepper(net, opt, loss_fn, ctx, batch, after=None):
    """step() for Harness.train: one batch of batch() -> (low, normal), one optimiser step,
    then after() (e.g. the weight average)."""
    def step():
        low, high = batch()
        loss, parts = loss_fn(net, low, high, ctx)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if after:
            after()
        return {'loss': float(loss), **parts}
    return step


def describe(h, net, opt, args):
    h.say(f'{h.name}: {nets.count_params(net)} params, batch {args.batch}, patch {args.patch}, '
          f'lr {opt.param_groups[0]["lr"]}, budget {args.minutes} min, threads {args.threads}')


def train_one(stage, args, lr, loss_fn, validate, decom=None, run=None, ctx=None):
    """Trains the net of `stage` ('decom' or 'illum') in runs/<run or stage>/ on patches of
    --patch, --patch − 16 or --patch − 32 px, scored by validate(net, val_set()). Returns the
    harness's exit code."""
    h = open_run(run or stage, args, stage)
    net = nets.build(stage)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr or lr)
    start(h, net, opt, args, stage)
    if h.finished():
        return 0
    pairs, val = Pairs(train_images(h), h.rng), val_set()
    describe(h, net, opt, args)
    step = stepper(net, opt, loss_fn, {'decom': decom, 'rng': h.rng, **(ctx or {})},
                   lambda: pairs.batch(args.batch, args.patch - 16 * int(h.rng.integers(0, 3))))
    return h.train(step, lambda: {'model': net.state_dict(), 'opt': opt.state_dict()}, lambda: validate(net, val))
