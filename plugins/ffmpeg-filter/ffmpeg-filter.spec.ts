import test from 'ava';
import type { Caps, VideoCaps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { silentLogger } from '../../core/logger.js';
import { ffmpegFilter } from './ffmpeg-filter.js';
import { PpmReader } from './ppm-reader.js';

const caps = (width: number, height: number): VideoCaps => ({ kind: 'video', format: 'rgb24', width, height, stream: { fps: 25, origin: 'spec' } });
const frame = (index: number, width: number, height: number): Frame => ({
  index,
  pts: index / 25 + 0.5,
  width,
  height,
  channels: 3,
  data: new Uint8Array(width * height * 3).map((_, i) => (i * 7 + index * 13) & 255),
  meta: { name: `f${index}` },
});

async function run(graph: string, width: number, height: number, count: number, timeout = 10) {
  const options = { graph, threads: 1, timeout };
  const input: Record<string, Caps> = { video: caps(width, height) };
  const negotiated = ffmpegFilter.role === 'stage' ? ffmpegFilter.negotiate(input, options) : {};
  const stage = ffmpegFilter.create({ nodeId: 'f', options, log: silentLogger, signal: new AbortController().signal, get: () => undefined as never });
  if (!('process' in stage)) throw new Error('not a stage');
  await stage.start?.(input);
  const out: Frame[] = [];
  try {
    for (let i = 0; i < count; i++) out.push((await stage.process({ video: frame(i, width, height) })).video);
  } finally {
    await stage.dispose?.();
  }
  return { negotiated: negotiated.video, out };
}

test('ffmpeg.filter hqdn3d at an odd size (33×17) should give one frame per frame with index, pts and meta kept', async (t) => {
  const { out } = await run('hqdn3d=4:3:6:4.5', 33, 17, 10);
  t.deepEqual(out.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.deepEqual(out.map((f) => f.pts), out.map((_, i) => i / 25 + 0.5));
  t.is(out[3].meta?.name, 'f3');
  t.deepEqual([out[9].width, out[9].height, out[9].data.length], [33, 17, 33 * 17 * 3]);
});

test('ffmpeg.filter scale should negotiate the new size before any frame and deliver it', async (t) => {
  const { negotiated, out } = await run('scale=16:8', 40, 30, 3);
  t.deepEqual([negotiated.width, negotiated.height], [16, 8]);
  t.deepEqual(out.map((f) => [f.width, f.height, f.data.length]), [[16, 8, 384], [16, 8, 384], [16, 8, 384]]);
});

test('ffmpeg.filter when the graph is wrong should fail at negotiation with ffmpeg\'s words', (t) => {
  const error = t.throws(() => ffmpegFilter.role === 'stage' && ffmpegFilter.negotiate({ video: caps(8, 8) }, { graph: 'hqdn3x', threads: 1, timeout: 1 }));
  t.true(KindPipeError.is(error, 'config'));
  t.regex(error!.message, /No such filter: 'hqdn3x'/);
});

test('ffmpeg.filter when the graph drops frames should fail naming the frame', async (t) => {
  const error = await t.throwsAsync(run('fps=1', 8, 8, 3, 0.5));
  t.true(KindPipeError.is(error, 'accounting'));
  t.regex(error!.message, /gave no frame for frame \d within 0\.5 s/);
});

test('PpmReader should split images whatever the chunking', (t) => {
  const image = (w: number, h: number, v: number) => Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, v)]);
  const stream = Buffer.concat([image(2, 1, 7), image(1, 3, 9)]);
  const reader = new PpmReader();
  for (let i = 0; i < stream.length; i += 5) reader.push(stream.subarray(i, i + 5));
  t.deepEqual(reader.ready.map((r) => [r.width, r.height, r.data[0], r.data.length]), [[2, 1, 7, 6], [1, 3, 9, 9]]);
});
