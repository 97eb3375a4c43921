import test from 'ava';
import { planSegments } from './plan.js';

/** 25 fps, a keyframe every `gop` frames, starting at `startS`. */
function index(frames: number, gop: number, startS = 0) {
  return {
    pts: Array.from({ length: frames }, (_, i) => startS + i / 25),
    keyframe: Array.from({ length: frames }, (_, i) => i % gop === 0),
    startS,
  };
}

test('planSegments cuts on keyframes and writes every frame exactly once', (t) => {
  const plan = planSegments(index(250, 25), 2, 0);
  t.deepEqual(plan.map((s) => s.first), [0, 50, 100, 150, 200]);
  t.is(plan.reduce((sum, s) => sum + s.frames, 0), 250);
  for (const s of plan) t.is(s.warmup, 0);
});

test('planSegments makes segments no shorter than asked when keyframes are irregular', (t) => {
  const frames = index(100, 1000);
  for (const k of [0, 10, 30, 33, 70]) frames.keyframe[k] = true;
  // 25 fps, 1 s = 25 frames: 10 is too soon after 0, 30 is far enough, 33 too soon after 30.
  t.deepEqual(planSegments(frames, 1, 0).map((s) => [s.first, s.frames]), [[0, 30], [30, 40], [70, 30]]);
});

test('planSegments decodes warm-up frames before each cut, fewer at the start, and seeks between two frames', (t) => {
  const plan = planSegments(index(200, 50, 1.5), 2, 66);
  t.deepEqual(plan.map((s) => s.warmup), [0, 50, 66, 66]);
  t.is(plan[0].seekS, 0);
  t.is(plan[1].seekS, 0); // warm-up reaches back to the first frame: no seek at all
  // Segment 2 starts at frame 100 and decodes from frame 34: halfway between 33 and 34, from the file's start.
  t.true(Math.abs(plan[2].seekS - 33.5 / 25) < 1e-9);
});

test('planSegments gives a file with one keyframe one segment', (t) => {
  const plan = planSegments(index(80, 1000), 1, 10);
  t.deepEqual(plan, [{ index: 0, first: 0, frames: 80, warmup: 0, seekS: 0 }]);
});
