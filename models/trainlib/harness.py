"""The training loop of every recipe: a budget of training minutes (counted across resumed runs),
optional step cap, per-invocation stop and wall-clock deadline; resume from the run folder's
latest.pt with every RNG state; checkpoints written to a temp file then renamed; validation at
each checkpoint; CSV logs of the losses (train.csv) and the metrics (val.csv).

    ap = argparse.ArgumentParser(); add_arguments(ap); args = ap.parse_args()
    h = Harness('runs/x2', args, stream=(2,))      # seeds torch, and h.rng (numpy)
    net = build(); opt = torch.optim.Adam(net.parameters())
    ck = h.resume()                                 # None unless --resume and a checkpoint exist
    if ck: net.load_state_dict(ck['model']); opt.load_state_dict(ck['opt'])
    code = h.train(step, lambda: {'model': net.state_dict(), 'opt': opt.state_dict()}, validate)

Exit codes of train(): 0 budget spent, 3 --stop-after reached, 4 --deadline reached; each
leaves a checkpoint, so rerunning the same command (with --resume) finishes the budget.
"""
import csv
import math
import os
import random
import time

import numpy as np
import torch

STOP_AFTER, DEADLINE = 3, 4
WHY = {0: 'budget spent', STOP_AFTER: 'stop-after reached', DEADLINE: 'deadline reached'}


def add_arguments(ap, minutes=None, ckpt_every=3.0, threads=2, seed=1):
    """The flags the harness reads; `minutes=None` makes --minutes required."""
    ap.add_argument('--minutes', type=float, default=minutes, required=minutes is None,
                    help='training minutes, counted across resumed runs')
    ap.add_argument('--steps', type=int, default=None, help='optional cap on total steps')
    ap.add_argument('--resume', action='store_true', help="continue from the run folder's latest.pt")
    ap.add_argument('--stop-after', type=float, default=None,
                    help='wall minutes for this invocation; exit 3 (checkpointed) if the budget is not spent')
    ap.add_argument('--deadline', help='wall-clock UTC time HH:MM to stop at (exit 4, checkpointed); '
                                       'earlier in the day than now means tomorrow')
    ap.add_argument('--ckpt-every', type=float, default=ckpt_every, help='minutes between checkpoint+validation')
    ap.add_argument('--seed', type=int, default=seed)
    ap.add_argument('--threads', type=int, default=threads)


def deadline_at(hh_mm, now):
    """The epoch time of the next UTC HH:MM after `now` (00:45 asked at 23:01 is tomorrow's)."""
    hh, mm = map(int, hh_mm.split(':'))
    t = time.gmtime(now)
    at = now + ((hh * 60 + mm) - (t.tm_hour * 60 + t.tm_min)) * 60 - t.tm_sec
    return at + 24 * 3600 if at <= now else at


def save(path, **state):
    """torch.save to path.tmp, then rename: a kill never leaves half a checkpoint."""
    tmp = path + '.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)


def run_logger(folder):
    """A `say(msg)` that prints a timestamped line and appends it to folder/train.log."""
    log = open(os.path.join(folder, 'train.log'), 'a', buffering=1)

    def say(msg):
        line = time.strftime('%Y-%m-%d %H:%M:%S ') + msg
        print(line, flush=True)
        log.write(line + '\n')
    return say


def append_row(path, row):
    """Appends a dict as a CSV row, writing the header first when the file is new."""
    new = not os.path.exists(path)
    with open(path, 'a', newline='') as f:
        w = csv.writer(f)
        if new:
            w.writerow(list(row))
        w.writerow(list(row.values()))


def trim_rows(path, step):
    """Drops the rows after `step` (written after the checkpoint a resumed run starts from)."""
    if not os.path.exists(path):
        return
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    kept = rows[:1] + [r for r in rows[1:] if int(r[0]) <= step]
    if len(kept) < len(rows):
        with open(path + '.tmp', 'w', newline='') as f:
            csv.writer(f).writerows(kept)
        os.replace(path + '.tmp', path)


class Harness:
    """One run folder: its budget, checkpoint, logs and random generators."""

    def __init__(self, folder, args, stream=(), log_every=50, name=None):
        self.folder, self.args, self.log_every = folder, args, log_every
        self.name = name or os.path.basename(folder)
        os.makedirs(folder, exist_ok=True)
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        self.rng = np.random.default_rng([args.seed, *stream])
        self.say = run_logger(folder)
        self.ckpt = os.path.join(folder, 'latest.pt')
        self.val_csv, self.train_csv = os.path.join(folder, 'val.csv'), os.path.join(folder, 'train.csv')
        self.step, self.minutes = 0, 0.0
        self.saved = None  # the step of the last checkpoint written
        self.prior = {'steps': 0, 'minutes': 0.0}  # the history of the weights the run started from
        self.started = time.time()
        self.deadline = deadline_at(args.deadline, self.started) if args.deadline else None

    def resume(self):
        """The checkpoint's dict, with step, minutes, prior and RNG states restored, when
        --resume is given and latest.pt exists; else None."""
        if not (self.args.resume and os.path.exists(self.ckpt)):
            return None
        # Our own checkpoints hold numpy and Python RNG states: torch 2.6+ loads weights only by
        # default and refuses them (the GPU machine's torch is 2.11).
        ck = torch.load(self.ckpt, map_location='cpu', weights_only=False)
        self.step, self.minutes = ck['step'], ck['minutes']
        self.prior = ck.get('prior', self.prior)
        if 'np_rng' in ck:
            self.rng.bit_generator.state = ck['np_rng']
            torch.set_rng_state(ck['torch_rng'])
            random.setstate(ck['py_rng'])
        for path in (self.val_csv, self.train_csv):
            trim_rows(path, self.step)
        self.say(f'resumed {self.name} at step {self.step} ({self.minutes:.1f} min)')
        return ck

    def carry(self, steps, minutes):
        """Counts the starting weights' own training (steps, minutes) as this run's history;
        the budget then counts the new minutes only."""
        self.prior = {'steps': steps, 'minutes': minutes}
        self.step, self.minutes = steps, minutes

    @property
    def trained(self):
        """Training minutes of this run, since the weights it started from."""
        return self.minutes - self.prior['minutes']

    @property
    def progress(self):
        """The share of the budget spent, 0..1 (for learning-rate schedules)."""
        return min(self.trained / self.args.minutes, 1.0) if self.args.minutes else 1.0

    def spent(self):
        return self.trained >= self.args.minutes or bool(self.args.steps and self.step >= self.args.steps)

    def finished(self):
        """Whether the budget is already spent (said in the log): then there is nothing to load."""
        if self.spent():
            self.say(f'{self.name}: budget of {self.args.minutes} min already spent, nothing to do')
        return self.spent()

    def checkpoint(self, state, validate):
        """Saves state() with the run's counters and RNG states, then appends validate()'s
        metrics to val.csv."""
        self.saved = self.step
        save(self.ckpt, **state(), step=self.step, minutes=self.minutes, prior=self.prior,
             np_rng=self.rng.bit_generator.state, torch_rng=torch.get_rng_state(),
             py_rng=random.getstate(), args=vars(self.args))
        t = time.time()
        m = validate()
        append_row(self.val_csv, {'step': self.step, 'minutes': round(self.minutes, 2), **m})
        self.say(f'val step {self.step} ({time.time() - t:.1f}s): ' + ' '.join(f'{k}={v}' for k, v in m.items()))

    def stop_code(self):
        if self.args.stop_after and time.time() - self.started > self.args.stop_after * 60:
            return STOP_AFTER
        if self.deadline and time.time() > self.deadline:
            return DEADLINE
        return None

    def train(self, step, state, validate):
        """Calls step() -> {'loss': float, ...parts} until the budget is spent or a stop comes,
        checkpointing every --ckpt-every minutes and at the end. Returns the exit code."""
        if self.finished():
            return 0
        if not os.path.exists(self.val_csv):
            self.checkpoint(state, validate)
        last_ckpt = window_t = time.time()
        sums, n, code = {}, 0, 0
        while not self.spent():
            code = self.stop_code() or 0
            if code:
                break
            t0 = time.time()
            parts = step()
            if not math.isfinite(parts['loss']):
                raise SystemExit(f'{self.name}: loss is {parts["loss"]} at step {self.step}')
            self.step += 1
            self.minutes += (time.time() - t0) / 60
            n += 1
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v
            if n == self.log_every:
                self.log_window({k: v / n for k, v in sums.items()}, n / max(time.time() - window_t, 1e-9))
                window_t, sums, n = time.time(), {}, 0
            if time.time() - last_ckpt > self.args.ckpt_every * 60:
                self.checkpoint(state, validate)
                last_ckpt = time.time()
        if self.saved != self.step:
            self.checkpoint(state, validate)
        self.say(f'{self.name}: stopped at step {self.step}, {self.minutes:.1f} min ({WHY[code]})')
        return code

    def log_window(self, means, rate):
        """The mean of each loss part over the last log_every steps, to train.log and train.csv."""
        self.say(f'step {self.step} ' + ' '.join(f'{k}={v:.5f}' for k, v in means.items())
                 + f' {rate:.2f} steps/s, {self.minutes:.1f} min')
        append_row(self.train_csv, {'step': self.step, 'minutes': round(self.minutes, 2),
                                    **{k: round(v, 6) for k, v in means.items()}, 'steps_per_s': round(rate, 3)})
