import test from 'ava';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, makeClip, probe, tempDir } from './helpers.js';

/** decode → encode only: exercises source.file and sink.file without the networks. */
function copyPipeline(dir: string, sinkOptions = ''): string {
  const file = join(dir, 'copy.yaml');
  writeFileSync(
    file,
    `version: 1
nodes:
  - id: decode
    plugin: source.file
    options: { path: in.mp4 }
  - id: encode
    plugin: sink.file
    inputs: { video: decode }
    options: { path: out.mp4, preset: ultrafast${sinkOptions} }
`,
  );
  return file;
}

test('source.file applies rotation metadata: a 90° clip comes out upright with width and height swapped', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'rotated.mp4'), { width: 160, height: 96, seconds: 0.4, rotate: 90 });
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${output}`]);
  t.is(result.code, 0, result.stderr);
  const facts = await probe(output);
  t.is(facts.width, 96);
  t.is(facts.height, 160);
  t.is(facts.frames, 10);
});

test('source.file keeps every frame of a variable-frame-rate clip and its duration', async (t) => {
  const dir = tempDir();
  const input = join(dir, 'vfr.mp4');
  // 40 frames at 25 fps with a 0.4 s gap after frame 20: nominal 25 fps, average lower.
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=128x72:rate=25', '-frames:v', '40',
    '-vf', "setpts='(N/25+if(gte(N,20),0.4,0))/TB'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', input]);
  const before = await probe(input);
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${output}`]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /variable frame rate/);
  const after = await probe(output);
  t.is(before.frames, 40);
  t.is(after.frames, 40);
  t.true(Math.abs(after.duration - before.duration) < 0.1, `duration ${after.duration} vs ${before.duration}`);
});

test('sink.file encodes an odd size (385×289) at that exact size, as 4:4:4', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'odd.mp4'), { width: 385, height: 289, seconds: 0.2 });
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${output}`]);
  t.is(result.code, 0, result.stderr);
  const facts = await probe(output);
  t.deepEqual([facts.width, facts.height, facts.frames], [385, 289, 5]);
  const pixFmt = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=pix_fmt', '-of', 'csv=p=0', output], { encoding: 'utf8' }).trim();
  t.is(pixFmt, 'yuv444p');
});

test('sink.file refuses yuv420p for an odd size before writing anything, and says how to fix it', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'odd.mp4'), { width: 385, height: 289, seconds: 0.2 });
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', copyPipeline(dir, ', pix_fmt: yuv420p'), '--set', `input=${input}`, '--set', `output=${output}`]);
  t.is(result.code, 2);
  t.regex(result.stderr, /385×289 is odd-sized and cannot be encoded as yuv420p\. Fix: set pix_fmt: auto or yuv444p/);
});

test('sink.file writes H.265 when asked, keeping frame count', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'in.mp4'), { width: 128, height: 72, seconds: 0.4 });
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', copyPipeline(dir, ', codec: h265'), '--set', `input=${input}`, '--set', `output=${output}`]);
  t.is(result.code, 0, result.stderr);
  const codec = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', output], { encoding: 'utf8' }).trim();
  t.is(codec, 'hevc');
  t.is((await probe(output)).frames, 10);
});

test('--log json prints start, progress and done events as JSON lines with per-stage ms/frame and peak RSS', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'in.mp4'), { width: 64, height: 48, seconds: 0.4 });
  const result = await cli(['run', copyPipeline(dir), '--log', 'json', '--set', `input=${input}`, '--set', `output=${join(dir, 'out.mp4')}`]);
  t.is(result.code, 0, result.stderr);
  const events = result.stderr.trim().split('\n').map((line) => JSON.parse(line));
  t.is(events[0].event, 'start');
  t.true(events.some((e) => e.event === 'progress' && e.total === 10));
  const done = events.find((e) => e.event === 'done');
  t.is(done.frames, 10);
  t.deepEqual(Object.keys(done.ms_per_frame).sort(), ['decode', 'encode']);
  t.true(done.peak_rss_mb > 0);
});

test('source.file with threads: 1 decodes the very frames ffmpeg decodes with its own threading (#18: the live pipeline decodes on one thread)', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'in.mp4'), { width: 320, height: 180, seconds: 1 });
  const hashes: string[] = [];
  for (const threads of [0, 1]) {
    const output = join(dir, `out-${threads}.mp4`);
    const result = await cli(['run', copyPipeline(dir, ', threads: 1'), '--set', `input=${input}`, '--set', `output=${output}`, '--set', `decode.threads=${threads}`, '--no-manifest']);
    t.is(result.code, 0, result.stderr);
    hashes.push(execFileSync('ffmpeg', ['-v', 'error', '-i', output, '-f', 'md5', '-'], { encoding: 'utf8' }).trim());
  }
  t.is(hashes[0], hashes[1], 'the same encoder settings on the same decoded frames give the same pictures');
  t.regex(hashes[0], /^MD5=[0-9a-f]{32}$/);
});

for (const extension of ['ts', 'mkv', 'mov']) {
  test(`sink.file writes a .${extension} file whose every frame its own frame check counts (regression: an MPEG-TS file lists its stream twice to ffprobe and was refused as holding 0 frames)`, async (t) => {
    const dir = tempDir();
    const input = await makeClip(join(dir, 'in.mp4'), { width: 160, height: 96, seconds: 0.6 });
    const output = join(dir, `out.${extension}`);
    const result = await cli(['run', copyPipeline(dir), '--set', `input=${input}`, '--set', `output=${output}`, '--no-manifest']);
    t.is(result.code, 0, result.stderr);
    t.is((await probe(output)).frames, 15);
  });
}
