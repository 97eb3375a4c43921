import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { cli, probe, tempDir } from './helpers.js';
import { hasRtspServer, killCameras, startCamera } from './rtsp-camera.js';
import { decodeFrames, hasRedis, killAll, makeKeyframedClip, psnr, RedisServer, until, WorkerProcess, writeTestPipeline } from './queue-fixtures.js';
import { requiring } from './requiring.js';

// kind-pipe submit/worker/status/cancel against a real redis-server on 127.0.0.1 (issue #19).
const redisTest = requiring(hasRedis, 'redis-server is not installed', 'bash scripts/setup.sh --redis', { serial: true });

test.after.always(() => {
  killAll();
  killCameras();
});

interface Setup {
  dir: string;
  redis: RedisServer;
  workers: WorkerProcess[];
  pipeline: string;
  clip: string;
}

async function setup(t: { teardown(fn: () => void): void }, workers: number, options: { slow?: boolean; seconds?: number } = {}): Promise<Setup> {
  const dir = tempDir('kind-pipe-queue-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const redis = await RedisServer.start(join(dir, 'redis'));
  const started = Array.from({ length: workers }, () => new WorkerProcess(redis.url));
  await Promise.all(started.map((w) => w.ready()));
  t.teardown(() => {
    for (const w of started) w.child.kill('SIGKILL');
    void redis.stop();
  });
  const clip = await makeKeyframedClip(join(dir, 'in.mp4'), options.seconds ?? 6);
  return { dir, redis, workers: started, pipeline: writeTestPipeline(dir, options.slow), clip };
}

/** Whatever a job left beside its output: hidden segment folders and partial files. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.'));
}

async function assertSameFrames(t: { is(a: unknown, b: unknown, m?: string): void; true(v: boolean, m?: string): void }, local: string, distributed: string): Promise<void> {
  const [a, b] = await Promise.all([decodeFrames(local), decodeFrames(distributed)]);
  t.is(b.length, a.length, 'frame count');
  let worst = Infinity;
  let exact = 0;
  for (let i = 0; i < a.length; i++) {
    const p = psnr(a[i], b[i]);
    if (p === Infinity) exact++;
    worst = Math.min(worst, p);
  }
  t.true(worst >= 45, `every frame within 45 dB of the local run's, in order (worst ${worst.toFixed(1)} dB, ${exact} of ${a.length} exact)`);
}

redisTest('a file submitted in segments to three workers equals a local run frame for frame, keeps its audio, and gets a manifest (#19)', async (t) => {
  const s = await setup(t, 3);
  const local = join(s.dir, 'local.mp4');
  const distributed = join(s.dir, 'distributed.mp4');
  const localRun = await cli(['run', s.pipeline, '--set', `input=${s.clip}`, '--set', `output=${local}`], { cwd: s.dir });
  t.is(localRun.code, 0, localRun.stderr);
  const submitted = await cli(['submit', s.pipeline, '--redis', s.redis.url, '--set', `input=${s.clip}`, '--set', `output=${distributed}`, '--segment', '1', '--wait'], { cwd: s.dir });
  t.is(submitted.code, 0, submitted.stderr + s.workers.map((w) => w.log).join('\n'));
  const [jobId, output] = submitted.stdout.trim().split('\n');
  t.is(output, distributed);
  await assertSameFrames(t, local, distributed);
  const facts = await probe(distributed);
  t.true(facts.hasAudio, 'the original audio is copied in');
  t.true(Math.abs(facts.duration - 6) < 0.1, `duration ${facts.duration}`);
  const manifest = JSON.parse(readFileSync(`${distributed}.provenance.json`, 'utf8'));
  t.is(manifest.job, jobId);
  t.is(manifest.segments.length, 6, 'one segment per keyframe second');
  t.is(manifest.segments.reduce((n: number, seg: { frames: number }) => n + seg.frames, 0), 144);
  t.true(manifest.segments.slice(2).every((seg: { warmupFrames: number }) => seg.warmupFrames === 30), 'hqdn3d declares 30 warm-up frames (the second segment has only 24 before it)');
  t.is(new Set(manifest.segments.map((seg: { worker: string }) => seg.worker)).size > 1, true, 'more than one worker took part');
  const verified = await cli(['verify', distributed, '--deep']);
  t.is(verified.code, 0, verified.stdout + verified.stderr);
  t.regex(verified.stdout, /ok {4}frames: 144 decoded frames match the recorded hash chain/);
  t.deepEqual(leftovers(s.dir), [], 'no segment folder or partial file is left');
  const status = await cli(['status', jobId, '--redis', s.redis.url]);
  t.regex(status.stdout, /completed, 144\/144 frames, 6 segments/);
});

redisTest('a worker SIGKILLed in the middle of a segment loses nothing: another worker takes the segment over and the job completes (#19)', async (t) => {
  const s = await setup(t, 3, { slow: true, seconds: 6 });
  const local = join(s.dir, 'local.mp4');
  const distributed = join(s.dir, 'distributed.mp4');
  const localRun = await cli(['run', writeTestPipeline(s.dir), '--set', `input=${s.clip}`, '--set', `output=${local}`], { cwd: s.dir }); // the same pixels, without the realtime pacing
  t.is(localRun.code, 0, localRun.stderr);
  const submitting = cli(['submit', s.pipeline, '--redis', s.redis.url, '--set', `input=${s.clip}`, '--set', `output=${distributed}`, '--segment', '2', '--wait'], { cwd: s.dir });
  await until(() => s.workers.some((w) => w.log.includes('attempt 1')), 20_000, () => 'no segment started');
  const victim = s.workers.find((w) => w.log.includes('attempt 1'))!;
  const segment = /(kp-\w+-s\d+): frames/.exec(victim.log)![1];
  await new Promise((resolve) => setTimeout(resolve, 700)); // mid-segment: it plays for 2 s
  victim.child.kill('SIGKILL');
  const submitted = await submitting;
  const logs = s.workers.map((w) => w.log).join('\n');
  t.is(submitted.code, 0, submitted.stderr + logs);
  t.false(victim.log.includes(`${segment}: done`), 'the killed worker did not finish its segment');
  t.true(s.workers.some((w) => w !== victim && w.log.includes(`${segment}: done`)), `another worker finished ${segment}:\n${logs}`);
  await assertSameFrames(t, local, distributed);
  t.deepEqual(leftovers(s.dir), [], 'the killed run removed its partial file');
});

redisTest('a worker stopped with SIGTERM hands its running segment back at once and exits 0; another worker finishes it long before the lock would expire (#19)', async (t) => {
  const s = await setup(t, 0, { slow: true, seconds: 6 });
  const workers = [new WorkerProcess(s.redis.url, ['--lock-seconds', '60']), new WorkerProcess(s.redis.url, ['--lock-seconds', '60'])];
  t.teardown(() => workers.forEach((w) => w.child.kill('SIGKILL')));
  await Promise.all(workers.map((w) => w.ready()));
  const output = join(s.dir, 'out.mp4');
  const submitting = cli(['submit', s.pipeline, '--redis', s.redis.url, '--set', `input=${s.clip}`, '--set', `output=${output}`, '--segment', '2', '--wait'], { cwd: s.dir });
  await until(() => workers.some((w) => w.log.includes('attempt 1')), 20_000, () => 'no segment started');
  const stopped = workers.find((w) => w.log.includes('attempt 1'))!;
  const segment = /(kp-\w+-s\d+): frames/.exec(stopped.log)![1];
  const signalled = Date.now();
  stopped.child.kill('SIGTERM');
  t.is(await stopped.exited, 0, stopped.log);
  t.true(Date.now() - signalled < 10_000, `the worker took ${(Date.now() - signalled) / 1000} s to stop`);
  const submitted = await submitting;
  t.is(submitted.code, 0, submitted.stderr + workers.map((w) => w.log).join('\n'));
  t.true(Date.now() - signalled < 40_000, 'finished without waiting for the 60 s lock');
  t.true(workers.some((w) => w !== stopped && w.log.includes(`${segment}: done`)), 'the other worker finished the handed-back segment');
  t.is((await probe(output)).frames, 144);
  t.deepEqual(leftovers(s.dir), []);
});

redisTest('Redis restarted in the middle of a job: workers and the waiting submitter reconnect and the job completes (#19)', async (t) => {
  const s = await setup(t, 2, { slow: true, seconds: 6 });
  const distributed = join(s.dir, 'distributed.mp4');
  const submitting = cli(['submit', s.pipeline, '--redis', s.redis.url, '--set', `input=${s.clip}`, '--set', `output=${distributed}`, '--segment', '2', '--wait'], { cwd: s.dir });
  await until(() => s.workers.some((w) => w.log.includes('attempt 1')), 20_000, () => 'no segment started');
  await s.redis.stop();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await s.redis.start();
  const submitted = await submitting;
  t.is(submitted.code, 0, submitted.stderr + s.workers.map((w) => w.log).join('\n'));
  t.is((await probe(distributed)).frames, 144);
});

redisTest('a missing input is refused at submit with the local run\'s message and exit code; nothing is queued (#19)', async (t) => {
  const s = await setup(t, 0);
  const missing = join(s.dir, 'missing.mp4');
  const output = join(s.dir, 'out.mp4');
  const local = await cli(['run', s.pipeline, '--set', `input=${missing}`, '--set', `output=${output}`], { cwd: s.dir });
  const submitted = await cli(['submit', s.pipeline, '--redis', s.redis.url, '--set', `input=${missing}`, '--set', `output=${output}`], { cwd: s.dir });
  t.is(local.code, 3); // input missing (README's exit codes)
  t.is(submitted.code, local.code);
  t.is(submitted.stderr, local.stderr);
  t.is((await cli(['status', '--redis', s.redis.url])).stdout, 'no jobs\n');
});

redisTest('an input that goes bad after submit fails the job with the local run\'s message and exit code, leaving nothing under the final name (#19)', async (t) => {
  const s = await setup(t, 0);
  const input = join(s.dir, 'doomed.mp4');
  copyFileSync(s.clip, input);
  const output = join(s.dir, 'out.mp4');
  const submitting = cli(['submit', s.pipeline, '--redis', s.redis.url, '--set', `input=${input}`, '--set', `output=${output}`, '--segment', '2', '--wait'], { cwd: s.dir });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await until(async () => (await cli(['status', '--redis', s.redis.url])).stdout.includes('running'), 20_000, () => 'the job was not queued');
  rmSync(input); // the file goes away before any worker reads it
  const workers = [new WorkerProcess(s.redis.url), new WorkerProcess(s.redis.url)];
  t.teardown(() => workers.forEach((w) => w.child.kill('SIGKILL')));
  const submitted = await submitting;
  const local = await cli(['run', s.pipeline, '--set', `input=${input}`, '--set', `output=${output}`], { cwd: s.dir });
  t.is(local.code, 3, local.stderr);
  t.is(submitted.code, local.code, submitted.stderr);
  const problem = /input file .* does not exist.*/.exec(local.stderr)![0];
  t.true(submitted.stderr.includes(problem), `the job's failure carries the local run's message:\n${submitted.stderr}`);
  t.false(existsSync(output), 'nothing under the final name');
  t.deepEqual(leftovers(s.dir), [], 'the job folder is removed');
  const status = await cli(['status', '--redis', s.redis.url]);
  t.regex(status.stdout, /failed/);
});

redisTest('kind-pipe cancel stops a running job within seconds, removes its folder and writes nothing (#19)', async (t) => {
  const s = await setup(t, 2, { slow: true, seconds: 6 });
  const output = join(s.dir, 'out.mp4');
  const submitting = cli(['submit', s.pipeline, '--redis', s.redis.url, '--set', `input=${s.clip}`, '--set', `output=${output}`, '--segment', '2', '--wait'], { cwd: s.dir });
  await until(() => s.workers.some((w) => w.log.includes('attempt 1')), 20_000, () => 'no segment started');
  const jobId = /(kp-\w+)-s\d+/.exec(s.workers.map((w) => w.log).join('\n'))![1];
  const started = Date.now();
  const cancel = await cli(['cancel', jobId, '--redis', s.redis.url]);
  t.is(cancel.code, 0, cancel.stderr);
  const submitted = await submitting;
  t.is(submitted.code, 130, submitted.stderr);
  t.regex(submitted.stderr, /cancelled by kind-pipe cancel/);
  t.true(Date.now() - started < 15_000, `stopped after ${(Date.now() - started) / 1000} s`);
  t.false(existsSync(output));
  t.deepEqual(leftovers(s.dir), []);
});

const cameraTest = requiring(hasRedis && hasRtspServer, 'the camera job test needs redis-server, GstRtspServer and x264enc', 'bash scripts/setup.sh --redis --gstreamer', { serial: true });

cameraTest('a camera job records in pieces and another worker takes it over within seconds when its worker dies (#19)', async (t) => {
  const s = await setup(t, 2);
  const cam = await startCamera({ width: 160, height: 90, fps: 15 });
  const pipeline = join(s.dir, 'camera.yaml');
  writeFileSync(pipeline, `version: 1
nodes:
  - id: camera
    plugin: source.rtsp
    options: { url: rtsp://127.0.0.1:1/none }
  - id: brighten
    plugin: ffmpeg.filter
    inputs: { video: camera }
    options: { graph: "eq=gamma=1.4" }
  - id: encode
    plugin: sink.file
    inputs: { video: brighten }
    options: { path: cam.mp4, preset: ultrafast }
`);
  const output = join(s.dir, 'cam.mp4');
  const submitted = await cli(['submit', pipeline, '--redis', s.redis.url, '--camera', cam.url, '--set', `output=${output}`, '--piece', '2'], { cwd: s.dir });
  t.is(submitted.code, 0, submitted.stderr);
  const jobId = submitted.stdout.trim();
  const pieces = () => readdirSync(s.dir).filter((name) => /^cam-.*\.mp4$/.test(name));
  await until(() => pieces().length >= 1, 30_000, () => `no piece recorded:\n${s.workers.map((w) => w.log).join('\n')}`);
  const recorder = s.workers.find((w) => w.log.includes('recording'))!;
  const other = s.workers.find((w) => w !== recorder)!;
  recorder.child.kill('SIGKILL');
  const killed = Date.now();
  await until(() => other.log.includes('recording'), 20_000, () => `no takeover:\n${other.log}`);
  const takeoverS = (Date.now() - killed) / 1000;
  t.log(`taken over after ${takeoverS.toFixed(1)} s (lock 2 s)`);
  t.true(takeoverS < 10, `taken over after ${takeoverS} s`);
  const before = pieces().length;
  await until(() => pieces().length > before, 30_000, () => `the new worker wrote no piece:\n${other.log}`);
  const cancel = await cli(['cancel', jobId, '--redis', s.redis.url]);
  t.is(cancel.code, 0, cancel.stderr);
  await until(async () => (await cli(['status', jobId, '--redis', s.redis.url])).stdout.includes('completed'), 20_000, () => other.log);
  for (const piece of pieces()) t.true((await probe(join(s.dir, piece))).frames > 0, `${piece} plays`);
  t.deepEqual(leftovers(s.dir).filter((name) => !name.includes('.kind-pipe-cam-')), [], 'no partial file');
});
