import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { projectRoot } from '../models/paths.js';
import { cli, probe, tempDir, type CliResult } from './helpers.js';
import { freePort, hasRtspServer, killCameras, startCamera } from './rtsp-camera.js';
import { requiring } from './requiring.js';

// Issue #4 part 1: source.rtsp against a real RTSP server on 127.0.0.1 (GstRtspServer through
// Debian's python3-gi, test/fixtures/rtsp-server.py): enhancement, outages and stalls with
// reconnects, the three flow policies with a deliberately slow stage, unreachable cameras.

const run = promisify(execFile);
const slowGain = join(projectRoot, 'test', 'fixtures', 'plugins', 'slow-gain');
const hasServer = hasRtspServer;
const serverTest = requiring(hasServer, 'the RTSP test camera needs GstRtspServer and x264enc', 'bash scripts/setup.sh --gstreamer', { serial: true });

const W = 160;
const H = 90;
const FPS = 15;

test.after.always(killCameras);

const camera = () => startCamera({ width: W, height: H, fps: FPS });

/** Mean luma (0..255) of each frame of a video file or of `frames` frames of a stream. */
async function frameLumas(input: string, frames?: number): Promise<number[]> {
  const args = ['-v', 'error', ...(input.startsWith('rtsp:') ? ['-rtsp_transport', 'tcp'] : []), '-i', input];
  if (frames) args.push('-frames:v', String(frames));
  const { stdout } = await run('ffmpeg', [...args, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const means: number[] = [];
  for (let at = 0; at + W * H <= stdout.length; at += W * H) {
    let sum = 0;
    for (let i = at; i < at + W * H; i++) sum += stdout[i];
    means.push(sum / (W * H));
  }
  return means;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

interface LiveCounts {
  received: number;
  enhanced: number;
  dropped: number;
  passed: number;
  reconnects: number;
}

interface LiveRun {
  result: CliResult;
  done?: { frames: number; elapsed_s: number; live: LiveCounts };
  /** `--log json` lines, each with the ms since the run started (`at`). */
  lines: (Record<string, unknown> & { at: number })[];
}

/**
 * `kind-pipe run FILE --log json`; `during` gets each JSON line as it arrives (with the time) and
 * may signal the process.
 */
async function runLive(file: string, sets: string[] = [], during?: (line: Record<string, unknown>, kill: (s: NodeJS.Signals) => void) => void): Promise<LiveRun> {
  const lines: LiveRun['lines'] = [];
  const t0 = performance.now();
  let seen = 0;
  const result = await cli(['run', file, '--log', 'json', ...sets.flatMap((s) => ['--set', s])], {
    onStderr: (text, kill) => {
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      for (const raw of complete.slice(seen).split('\n')) {
        if (!raw.startsWith('{')) continue;
        const line = { ...(JSON.parse(raw) as Record<string, unknown>), at: performance.now() - t0 };
        lines.push(line);
        during?.(line, kill);
      }
      seen = complete.length;
    },
  });
  const done = lines.find((l) => l.event === 'done') as LiveRun['done'];
  return { result, done, lines };
}

/** camera → fixture.slow-gain (brightens by 100 after `delay` ms) → sink.file. */
function slowPipeline(dir: string, url: string, camera: string, delay: number): { file: string; output: string } {
  const output = join(dir, 'out.mp4');
  const file = join(dir, 'p.yaml');
  writeFileSync(
    file,
    `version: 1
plugins:
  - { from: ${slowGain} }
nodes:
  - { id: camera, plugin: source.rtsp, options: { url: '${url}'${camera ? `, ${camera}` : ''} } }
  - { id: gain, plugin: fixture.slow-gain, inputs: { video: camera }, options: { delay: ${delay}, offset: 100 } }
  - { id: encode, plugin: sink.file, inputs: { video: gain }, options: { path: ${output}, preset: ultrafast } }
`,
  );
  return { file, output };
}

function assertBalanced(t: { is(a: unknown, b: unknown, m?: string): void }, live: LiveCounts): void {
  t.is(live.received, live.enhanced + live.dropped + live.passed, `received = enhanced + dropped + passed: ${JSON.stringify(live)}`);
}

serverTest('kind-pipe run pipelines/cctv-rtsp.yaml enhances a live camera into a valid mp4, brighter than the camera', async (t) => {
  const cam = await camera();
  const output = join(tempDir(), 'camera-enhanced.mp4');
  const { result, done } = await runLive(join(projectRoot, 'pipelines', 'cctv-rtsp.yaml'), [`input=${cam.url}`, `output=${output}`, 'camera.frames=30']);
  t.is(result.code, 0, result.stderr);
  const facts = await probe(output);
  t.true(facts.frames > 0);
  t.is(facts.frames, done!.frames, 'every frame the run reports is in the file');
  t.deepEqual([facts.width, facts.height], [W, H]);
  t.is(done!.live.received, 30);
  assertBalanced(t, done!.live);
  const before = mean(await frameLumas(cam.url, 10));
  const after = mean(await frameLumas(output));
  t.log(`mean luma: camera ${before.toFixed(1)} → enhanced ${after.toFixed(1)}; ${JSON.stringify(done!.live)}`);
  t.true(after > before + 15, `enhanced ${after.toFixed(1)} vs camera ${before.toFixed(1)}`);
  await cam.stop();
});

serverTest('a camera that drops for 5 s and comes back: frames resume, the run survives, counters add up, reconnect time measured', async (t) => {
  const cam = await camera();
  const dir = tempDir();
  const { file, output } = slowPipeline(dir, cam.url, 'flow: drop-oldest', 0);
  let phase: 'streaming' | 'down' | 'back' | 'finishing' = 'streaming';
  let upAt = 0;
  let reconnectedAt = 0;
  let connectS = 0;
  let receivedBeforeOutage = 0;
  const outage = async () => {
    await cam.stop();
    await sleep(5000);
    await cam.start();
    upAt = performance.now();
    phase = 'back';
  };
  let outageDone: Promise<void> | undefined;
  let killRun: ((s: NodeJS.Signals) => void) | undefined;
  const guard = setTimeout(() => killRun?.('SIGINT'), 60_000); // never hang: the checks below then fail
  const { result, done, lines } = await runLive(file, [], (line, kill) => {
    killRun = kill;
    const live = (line as { live?: LiveCounts }).live;
    if (phase === 'streaming' && line.event === 'progress' && live && live.received >= 15) {
      phase = 'down';
      receivedBeforeOutage = live.received;
      outageDone = outage();
    }
    if (line.event === 'reconnected' && !reconnectedAt) {
      reconnectedAt = performance.now();
      connectS = Number(line.connect_s);
      setTimeout(() => {
        phase = 'finishing';
        kill('SIGINT'); // a live run finishes on the first Ctrl-C and keeps its output
      }, 2000);
    }
  });
  await outageDone;
  clearTimeout(guard);
  t.is(result.code, 0, result.stderr);
  t.true(reconnectedAt > 0, `no reconnect was logged:\n${result.stderr}`);
  const live = done!.live;
  t.true(live.reconnects >= 1, JSON.stringify(live));
  t.true(live.received > receivedBeforeOutage + 15, `frames resumed after the outage: ${receivedBeforeOutage} before, ${live.received} in all`);
  assertBalanced(t, live);
  t.is((await probe(output)).frames, live.enhanced + live.passed, 'the file holds every frame that was written');
  t.true(lines.some((l) => l.level === 'warn' && /lost after frame \d+/.test(String(l.msg))), 'the drop was logged');
  t.true(lines.some((l) => l.level === 'warn' && /still no frames after \d+\.\d s .*next attempt in/.test(String(l.msg))), `each failed attempt during the outage was logged, with the time down:\n${lines.filter((l) => l.level === 'warn').map((l) => l.msg).join('\n')}`);
  const reconnectMs = reconnectedAt - upAt;
  t.log(
    `reconnect time (server back → first new frame, backoff 0.5 s doubling to 8 s): ${(reconnectMs / 1000).toFixed(2)} s, ` +
      `of which ${connectS.toFixed(2)} s from the successful attempt's start to its first frame; ${JSON.stringify(live)}`,
  );
  t.true(reconnectMs < 10_000);
});

serverTest('a camera that stalls (stops sending, connection open) is detected by the read timeout and reconnected', async (t) => {
  const cam = await camera();
  const { file } = slowPipeline(tempDir(), cam.url, 'timeout: 1, backoff: 0.2, backoffMax: 1, frames: 60', 0);
  let stalled = false;
  const { result, done, lines } = await runLive(file, [], (line) => {
    const live = (line as { live?: LiveCounts }).live;
    if (!stalled && line.event === 'progress' && live && live.received >= 10) {
      stalled = true;
      process.kill(cam.pid, 'SIGSTOP');
      setTimeout(() => process.kill(cam.pid, 'SIGCONT'), 3000);
    }
  });
  t.is(result.code, 0, result.stderr);
  t.true(lines.some((l) => /no frame for 1 s \(stalled\)/.test(String(l.msg))), result.stderr);
  t.true(done!.live.reconnects >= 1);
  t.is(done!.live.received, 60);
  assertBalanced(t, done!.live);
  await cam.stop();
});

serverTest('flow: drop-oldest with a stage slower than the camera drops frames, counts them, and stays live', async (t) => {
  const cam = await camera();
  const { file, output } = slowPipeline(tempDir(), cam.url, 'flow: drop-oldest, maxInFlight: 1, frames: 45', 1000);
  const { result, done } = await runLive(file);
  t.is(result.code, 0, result.stderr);
  const live = done!.live;
  t.log(`drop-oldest: ${JSON.stringify(live)} in ${done!.elapsed_s.toFixed(1)} s`);
  t.is(live.received, 45);
  t.true(live.dropped > 10, `dropped ${live.dropped}`);
  t.is(live.passed, 0);
  assertBalanced(t, live);
  t.is((await probe(output)).frames, live.enhanced);
  // Enhancing all 45 would take 45 s; reading 45 frames at 15 fps takes 3 s, plus connecting and
  // closing the encoder (5.5 s in all alone; CI of stop 14, every core busy, measured 7.4 s against
  // the former 200 ms stage and its 7.2 s bound). Half the held-back time leaves room on both sides.
  t.true(done!.elapsed_s < 45 * 1.0 * 0.5, `took ${done!.elapsed_s} s: the camera was held back`);
  await cam.stop();
});

serverTest('flow: passthrough writes the frames the slow stage has no room for un-enhanced, in order, and counts them', async (t) => {
  const cam = await camera();
  const { file, output } = slowPipeline(tempDir(), cam.url, 'flow: passthrough, maxInFlight: 1, frames: 45', 200);
  const { result, done } = await runLive(file);
  t.is(result.code, 0, result.stderr);
  const live = done!.live;
  t.log(`passthrough: ${JSON.stringify(live)}`);
  t.is(live.received, 45);
  t.is(live.dropped, 0);
  t.true(live.passed > 10, `passed ${live.passed}`);
  assertBalanced(t, live);
  const lumas = await frameLumas(output);
  t.is(lumas.length, 45, 'every camera frame is in the file');
  // The stage adds 100 to every byte: enhanced frames are far brighter than passed ones.
  const bright = lumas.filter((l) => l > 70).length;
  t.true(Math.abs(bright - live.enhanced) <= 1, `${bright} bright frames in the file, ${live.enhanced} enhanced`);
  await cam.stop();
});

serverTest('flow: block enhances every frame the camera sends: nothing dropped or passed on the source side', async (t) => {
  const cam = await camera();
  const { file, output } = slowPipeline(tempDir(), cam.url, 'flow: block, maxInFlight: 2, frames: 20', 150);
  const { result, done } = await runLive(file);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(done!.live, { received: 20, enhanced: 20, dropped: 0, passed: 0, reconnects: 0 });
  t.is((await probe(output)).frames, 20);
  t.true(done!.elapsed_s >= 20 * 0.15, 'the stage set the pace');
  await cam.stop();
});

serverTest('a camera that stays down longer than maxOutage fails the run, naming the url, the outage and the fix', async (t) => {
  const cam = await camera();
  const { file, output } = slowPipeline(tempDir(), cam.url, 'maxOutage: 2, backoff: 0.2', 0);
  let killed = false;
  const { result } = await runLive(file, [], (line) => {
    if (!killed && line.event === 'progress') {
      killed = true;
      void cam.stop();
    }
  });
  t.is(result.code, 3, result.stderr);
  t.regex(result.stderr, new RegExp(`the RTSP stream ${cam.url.replaceAll('.', '\\.')} has given no frame for \\d+\\.\\d s, longer than maxOutage 2 s [\\s\\S]*Fix: check the camera and the network, or raise maxOutage`));
  // How far past maxOutage it notices depends on the retry schedule and the load (3.0 s seen with
  // both cores training); it must be past 2 s, and well before the next backoff doubling.
  const outage = Number(/has given no frame for (\d+\.\d) s/.exec(result.stderr)?.[1]);
  t.true(outage >= 2 && outage < 6, `outage reported ${outage} s`);
  t.false((await import('node:fs')).existsSync(output), 'no half-written output');
});

test('an unreachable camera fails fast at open, naming the url (password hidden) and the fix', async (t) => {
  const port = await freePort(); // nobody listens there
  const dir = tempDir();
  const { file } = slowPipeline(dir, `rtsp://admin:secret@127.0.0.1:${port}/cam`, 'timeout: 2', 0);
  const started = performance.now();
  const result = await cli(['run', file]);
  t.is(result.code, 3, result.stderr);
  // Retrying would run to the default maxOutage (60 s); the bound leaves room for a busy machine's
  // start-up of the CLI, which this time includes.
  t.true(performance.now() - started < 20_000, 'fails within the timeout, not after retries');
  t.regex(result.stderr, new RegExp(`cannot open the RTSP stream rtsp://admin:\\*\\*\\*@127\\.0\\.0\\.1:${port}/cam: .*Connection refused.*Fix: check that the camera is on and reachable`));
  t.notRegex(result.stderr, /secret/);
});

test('a url that is not rtsp:// is refused before anything is opened, naming the option', async (t) => {
  const { file } = slowPipeline(tempDir(), 'http://127.0.0.1/cam', '', 0);
  const result = await cli(['validate', file]);
  t.is(result.code, 2);
  t.regex(result.stderr, /node 'camera' \(source\.rtsp\): 'http:\/\/127\.0\.0\.1\/cam' is not an RTSP url\. Fix: write rtsp:\/\//);
});
