import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { projectRoot } from '../models/paths.js';
import { cli, makeClip, probe, tempDir, type CliResult } from './helpers.js';

// Real runs of the CLI with sink.preview, watched by a real headless Chromium and by raw sockets.
// Tests run one at a time: one compares run times, and the machine has two cores.

const chromiumPath = '/usr/bin/chromium';
const artifacts = join(projectRoot, 'test-artifacts');

/** Headless Chromium that never reaches for the network (this machine has none; without these flags it hangs). */
async function launchChromium(): Promise<BrowserContext> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing. Fix: bash scripts/setup.sh --browser (installs Debian's chromium)`);
  return chromium.launchPersistentContext(tempDir('kind-pipe-chromium-'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1000, height: 640 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Starts `kind-pipe run …` and resolves with the preview URL once it is logged, and the whole run. */
function startRun(args: string[]): { url: Promise<string>; done: Promise<CliResult>; kill: (signal: NodeJS.Signals) => void } {
  let found: (url: string) => void;
  let kill: (signal: NodeJS.Signals) => void = () => undefined;
  const url = new Promise<string>((resolve) => (found = resolve));
  const done = cli(['run', ...args], {
    onStderr: (text, k) => {
      kill = k;
      const match = /live preview at (http:\S+)/.exec(text);
      if (match) found(match[1]);
    },
  });
  return {
    url: Promise.race([url, done.then((r) => Promise.reject(new Error(`the run ended (exit ${r.code}) before the preview started:\n${r.stderr}`)))]),
    done,
    kill: (signal) => kill(signal),
  };
}

type Stats = { state: string; framesIn: number; shown: number; skipped: number; dropped: number; layout: { left: number; gap: number; right: number; width: number; height: number }; run: Record<string, unknown> | null };

async function stats(url: string): Promise<Stats> {
  return (await fetch(new URL('stats.json', url))).json() as Promise<Stats>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Decodes a PNG or JPEG with ffmpeg into rgb24 rows (ffprobe tells the size). */
async function decodeImage(image: Buffer): Promise<{ width: number; height: number; data: Buffer }> {
  const [size, data] = await Promise.all([
    pipeThrough('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', '-i', 'pipe:0'], image),
    pipeThrough('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], image),
  ]);
  const [width, height] = size.toString().trim().split(',').map(Number);
  return { width, height, data };
}

function pipeThrough(tool: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdin.on('error', () => undefined); // ffprobe may stop reading once it knows the size
    child.stdin.end(input);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${tool} exited ${code}`))));
  });
}

/** Mean luma and its spread over columns [x0, x1) and rows [y0, height) of an rgb24 image. */
function region(image: { width: number; height: number; data: Buffer }, x0: number, x1: number, y0: number): { mean: number; spread: number } {
  let sum = 0;
  let squares = 0;
  let n = 0;
  for (let y = Math.round(y0); y < image.height; y++) {
    for (let x = Math.round(x0); x < Math.round(x1); x++) {
      const i = (y * image.width + x) * 3;
      const luma = 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2];
      sum += luma;
      squares += luma * luma;
      n++;
    }
  }
  const mean = sum / n;
  return { mean, spread: Math.sqrt(Math.max(0, squares / n - mean * mean)) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A viewer that asks for the MJPEG stream and never reads a byte of it (socket paused). */
function stuckViewer(port: number, deadlineMs: number): Promise<Socket> {
  const deadline = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.write(`GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
        socket.pause();
        resolve(socket);
      });
      socket.once('error', (error) => {
        socket.destroy();
        if (Date.now() > deadline) reject(error);
        else setTimeout(attempt, 10);
      });
    };
    attempt();
  });
}

/** A GET with any Host header (fetch does not let one set it). */
function get(url: string, options: { host?: string; method?: string } = {}): Promise<{ status: number; body: Buffer; type: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: options.method ?? 'GET', headers: options.host ? { Host: options.host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), type: String(res.headers['content-type']) }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** A YAML pipeline: a file source, a cheap brightening stage, and sink.preview (and optional extra nodes). */
/** decode → ffmpeg.filter `graph` → sink.preview, then the `after` node lines (more sinks). */
function cheapPipeline(dir: string, clip: string, preview: Record<string, unknown>, graph = 'eq=brightness=0.3', after: string[] = []): string {
  const file = join(dir, 'preview.yaml');
  writeFileSync(
    file,
    [
      'version: 1',
      'nodes:',
      `  - { id: decode, plugin: source.file, options: { path: ${JSON.stringify(clip)} } }`,
      `  - { id: bright, plugin: ffmpeg.filter, inputs: { video: decode }, options: { graph: '${graph}' } }`,
      `  - { id: preview, plugin: sink.preview, inputs: { before: decode, after: bright }, options: ${JSON.stringify(preview)} }`,
      ...after,
      '',
    ].join('\n'),
  );
  return file;
}

test.serial('cctv-preview.yaml shows before|after live in Chromium, brighter after, then "stream ended" with the final counts while the recording is already complete', async (t) => {
  const dir = tempDir();
  const input = await makeClip(join(dir, 'night.mp4'), { width: 160, height: 90, seconds: 1.2, fps: 25 });
  const frames = (await probe(input)).frames;
  const recording = join(dir, 'night-enhanced.mp4');
  const linger = 6;
  // The browser first: started side by side with the run, a slow Chromium start on a busy machine
  // (CI of stop 22, with the queue tests' processes) came after the 1.2 s run and its linger.
  const context = await launchChromium();
  const run = startRun(['pipelines/cctv-preview.yaml', '--set', `input=${input}`, '--set', `output=${recording}`, '--set', 'preview.port=0', '--set', `preview.linger=${linger}`]);
  try {
    const url = await run.url;
    t.regex(url, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'loopback by default, free port picked');
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' }); // 'load' waits for the first picture of the endless stream
    const counter = async (key: string) => (await page.locator(`[data-counter="${key}"] .value`).textContent({ timeout: 30_000 }))?.trim();

    await page.locator('#state[data-state="live"]').waitFor({ timeout: 60_000 });
    const first = Number(await counter('framesIn'));
    await until('the frames-in counter to increase', async () => (Number(await counter('framesIn')) > first ? true : undefined), 30_000);
    const layout = (await stats(url)).layout;
    const natural = await page.locator('#picture').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    t.deepEqual(natural, [layout.width, layout.height], 'the page shows a streamed picture of the side-by-side size');
    t.deepEqual([layout.left, layout.right, layout.height], [160, 160, 90]);

    // What a person sees: the picture as rendered, decoded from a screenshot; the labels sit in the top third.
    const shot = await decodeImage(await page.locator('#picture').screenshot());
    const scale = shot.width / layout.width;
    const before = region(shot, 2, layout.left * scale - 2, shot.height * 0.35);
    const after = region(shot, (layout.left + layout.gap) * scale + 2, shot.width - 2, shot.height * 0.35);
    t.log(`screen luma: before ${before.mean.toFixed(1)} (spread ${before.spread.toFixed(1)}), after ${after.mean.toFixed(1)} (spread ${after.spread.toFixed(1)})`);
    t.true(before.spread > 5 && after.spread > 5, 'both sides show a picture, not a flat fill');
    t.true(after.mean > before.mean + 5, `after (${after.mean.toFixed(1)}) should be brighter than before (${before.mean.toFixed(1)})`);
    t.regex((await page.locator('#tag-before').textContent()) ?? '', /before/);
    t.regex((await page.locator('#tag-after').textContent()) ?? '', /after/);
    mkdirSync(artifacts, { recursive: true });
    const live = join(artifacts, 'preview.png');
    await page.screenshot({ path: live });
    t.log(`screenshot of the live page: ${live}`);

    await page.locator('#state[data-state="ended"]').waitFor({ timeout: 60_000 });
    const endedAt = Date.now();
    t.regex((await page.locator('#banner').textContent()) ?? '', /stream ended/);
    t.is(await counter('framesIn'), String(frames), 'every frame the source produced reached the preview');
    t.is(await counter('run.frames'), String(frames), 'the run counters say every frame was written');
    t.true(existsSync(recording), 'the recording is complete under its final name while the page lingers');
    const final = await stats(url);
    t.is(final.state, 'ended');
    t.is(final.shown + final.skipped, frames);
    const ended = join(artifacts, 'preview-ended.png');
    await page.screenshot({ path: ended });
    t.log(`screenshot of the ended page: ${ended}`);

    const result = await run.done;
    t.is(result.code, 0, result.stderr);
    t.true(Date.now() - endedAt < (linger + 5) * 1000, 'the run ends after the linger');
    t.deepEqual(result.stdout.trim().split('\n'), [recording, url]);
    t.is((await probe(recording)).frames, frames);
    await t.throwsAsync(fetch(url), undefined, 'the server is closed once the run is over');
  } finally {
    run.kill('SIGKILL');
    await context.close();
  }
});

test.serial('the preview lingers after every sink has finished, even listed before the recording; Ctrl-C then closes it and removes nothing', async (t) => {
  const dir = tempDir();
  const clip = await makeClip(join(dir, 'clip.mp4'), { width: 96, height: 54, seconds: 0.4, fps: 25 });
  const recording = join(dir, 'out.mp4');
  const pipeline = cheapPipeline(dir, clip, { port: 0, linger: 60 }, 'eq=brightness=0.3', [
    `  - { id: encode, plugin: sink.file, inputs: { video: bright }, options: { path: ${JSON.stringify(recording)} } }`,
  ]);
  let lingering: () => void;
  const lingers = new Promise<void>((resolve) => (lingering = resolve));
  let kill: (signal: NodeJS.Signals) => void = () => undefined;
  const run = cli(['run', pipeline], {
    onStderr: (text, k) => {
      kill = k;
      if (/preview stays up 60 s/.test(text)) lingering();
    },
  });
  const timer = setTimeout(() => kill('SIGKILL'), 60_000);
  try {
    await Promise.race([lingers, run.then((r) => Promise.reject(new Error(`the run ended (exit ${r.code}) before lingering:\n${r.stderr}`)))]);
    t.true(existsSync(recording), 'the recording, listed after the preview, is complete before the linger starts');
    const stoppedAt = Date.now();
    kill('SIGINT');
    const result = await run;
    t.is(result.code, 0, result.stderr);
    t.true(Date.now() - stoppedAt < 10_000, 'Ctrl-C ends the 60 s linger at once');
    t.regex(result.stderr, /SIGINT: closing the preview; the outputs are complete/);
    t.notRegex(result.stderr, /removing partial output/);
    t.is((await probe(recording)).frames, 10, 'the recording keeps every frame');
  } finally {
    clearTimeout(timer);
    kill('SIGKILL');
  }
});

test.serial('a viewer that never reads does not hold back the run: pictures are dropped for it and the run ends without waiting for it', async (t) => {
  const dir = tempDir();
  // 100 noisy 1280×720 frames shown twice side by side at quality 100, up to 120 pictures a second:
  // tens of MB in all, so a viewer that never reads fills the socket buffers (up to ~4 MB here) early.
  const clip = join(dir, 'clip.mkv');
  await pipeThrough('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25,noise=alls=20:allf=t', '-frames:v', '100', '-c:v', 'mjpeg', '-q:v', '4', '-y', clip], Buffer.alloc(0));
  const time = async (withStuckViewer: boolean) => {
    const port = await freePort();
    const pipeline = join(dir, 'stuck.yaml');
    writeFileSync(pipeline, `version: 1\nnodes:\n  - { id: decode, plugin: source.file, options: { path: ${JSON.stringify(clip)} } }\n  - { id: preview, plugin: sink.preview, inputs: { before: decode, after: decode }, options: { port: ${port}, quality: 100, maxFps: 120 } }\n`);
    const started = performance.now();
    let kill: (signal: NodeJS.Signals) => void = () => undefined;
    const run = cli(['run', pipeline, '--log', 'json'], { onStderr: (_, k) => (kill = k) });
    const viewer = withStuckViewer ? await stuckViewer(port, 20_000) : undefined;
    const hang = setTimeout(() => kill('SIGKILL'), 60_000); // a sink that waited for this viewer would never finish
    const result = await run;
    clearTimeout(hang);
    const seconds = (performance.now() - started) / 1000;
    viewer?.destroy();
    t.is(result.code, 0, result.stderr);
    const summary = result.stderr.split('\n').filter((l) => l.includes('"dropped"')).map((l) => JSON.parse(l))[0];
    return { seconds, summary };
  };
  const alone = await time(false);
  const stuck = await time(true);
  const again = await time(false);
  const baseline = Math.max(alone.seconds, again.seconds);
  t.log(`runs alone ${alone.seconds.toFixed(2)} s and ${again.seconds.toFixed(2)} s, with a viewer that never reads ${stuck.seconds.toFixed(2)} s; that viewer missed ${stuck.summary.dropped} of ${stuck.summary.shown} pictures`);
  t.is(stuck.summary.frames_in, 100);
  t.true(stuck.summary.dropped > 0, 'the stuck viewer was really stuck: pictures were dropped for it');
  t.true(stuck.seconds < baseline * 1.5 + 1.5, `with the stuck viewer ${stuck.seconds.toFixed(2)} s vs ${baseline.toFixed(2)} s alone (the machine is shared: a loose bound)`);
});

test.serial('the preview server answers snapshot.jpg (a ×2 after beside its before, same height), stats.json and the page, and refuses other methods, paths and foreign Host names', async (t) => {
  const dir = tempDir();
  const clip = await makeClip(join(dir, 'clip.mp4'), { width: 96, height: 54, seconds: 0.4, fps: 25 });
  // A ×2 size change, as a super-resolution stage makes: both sides show at the after height.
  const run = startRun([cheapPipeline(dir, clip, { port: 0, linger: 30 }, 'scale=iw*2:ih*2,eq=brightness=0.3')]);
  try {
    const url = await run.url;
    const final = await until('the end of the stream', async () => ((await stats(url)).state === 'ended' ? stats(url) : undefined), 30_000);
    t.is(final.framesIn, 10);
    t.deepEqual([final.layout.height, final.layout.left, final.layout.right], [108, 192, 192], '96×54 before and 192×108 after, both at height 108');

    const snapshot = await get(new URL('snapshot.jpg', url).href);
    t.is(snapshot.status, 200);
    t.is(snapshot.type, 'image/jpeg');
    const picture = await decodeImage(snapshot.body);
    t.deepEqual([picture.width, picture.height], [final.layout.width, 108]);
    const before = region(picture, 0, 192, 0);
    const after = region(picture, 196, picture.width, 0);
    t.true(before.spread > 5 && after.spread > 5, 'both sides hold a picture');
    t.true(after.mean > before.mean + 20, `eq=brightness=0.3 side ${after.mean.toFixed(1)} vs ${before.mean.toFixed(1)}`);

    const page = await get(url);
    t.is(page.status, 200);
    t.regex(page.body.toString(), /stream\.mjpg/);
    t.is((await get(url, { host: 'evil.example:80' })).status, 403, 'a page reaching us through DNS rebinding gets nothing');
    t.is((await get(url, { host: `localhost:${new URL(url).port}` })).status, 200);
    t.is((await get(url, { method: 'POST' })).status, 405);
    t.is((await get(new URL('nothing-here', url).href)).status, 404);
  } finally {
    run.kill('SIGTERM');
    const result = await run.done;
    t.is(result.code, 0, 'Ctrl-C during the linger ends it early; the run itself was complete');
  }
});

test.serial('SIGTERM while viewers watch closes every connection and tells the page the stream stopped', async (t) => {
  const dir = tempDir();
  // A paced live source: ffmpeg -re writes y4m into a named pipe at 25 fps for 20 s.
  const fifo = join(dir, 'camera.y4m');
  spawn('mkfifo', [fifo]).once('close', () => undefined);
  await until('the named pipe', async () => (existsSync(fifo) ? true : undefined), 5000);
  const camera: ChildProcess = spawn('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25', '-t', '20', '-f', 'yuv4mpegpipe', '-y', fifo], { stdio: 'ignore' });
  const pipeline = join(dir, 'live.yaml');
  writeFileSync(pipeline, `version: 1\nnodes:\n  - { id: cam, plugin: source.y4m, options: { path: ${JSON.stringify(fifo)} } }\n  - { id: preview, plugin: sink.preview, inputs: { before: cam, after: cam }, options: { linger: 30 } }\n`);
  const run = startRun([pipeline]);
  try {
    const url = await run.url;
    await until('a few frames', async () => ((await stats(url)).framesIn >= 5 ? true : undefined), 20_000);
    const events = await new Promise<{ text: () => string; closed: Promise<void> }>((resolve, reject) => {
      const req = request(new URL('events', url), (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        resolve({ text: () => text, closed: new Promise((r) => res.once('close', () => r())) });
      });
      req.once('error', reject);
      req.end();
    });
    const viewer = await stuckViewer(Number(new URL(url).port), 5000);
    const viewerClosed = new Promise<void>((resolve) => viewer.once('close', () => resolve()));
    viewer.resume();
    const stoppedAt = Date.now();
    run.kill('SIGTERM');
    const result = await run.done;
    t.is(result.code, 130, result.stderr);
    t.true(Date.now() - stoppedAt < 15_000, 'stopped promptly, the 30 s linger does not apply to a stop'); // half the linger: room for a busy machine
    await events.closed;
    await viewerClosed;
    t.regex(events.text(), /event: end\ndata: \{[^\n]*"state":"stopped"/);
    await t.throwsAsync(fetch(url));
  } finally {
    run.kill('SIGKILL');
    camera.kill('SIGKILL');
  }
});

test.serial('sink.preview refuses a bad port, a non-loopback host without public: true, and a port in use, naming the fix', async (t) => {
  const dir = tempDir();
  const clip = await makeClip(join(dir, 'clip.mp4'), { width: 64, height: 36, seconds: 0.2, fps: 25 });

  const badPort = await cli(['validate', cheapPipeline(dir, clip, { port: 70000 })]);
  t.is(badPort.code, 2);
  t.regex(badPort.stderr, /node 'preview' \(sink\.preview\): option 'port' = 70000 is out of range \[0, 65535\]/);

  for (const host of ['0.0.0.0', '192.168.1.5']) {
    const open = await cli(['validate', cheapPipeline(dir, clip, { host })]);
    t.is(open.code, 2, host);
    t.regex(open.stderr, new RegExp(`host '${host.replace(/\./g, '\\.')}' would show the footage.*Fix: keep host: 127\\.0\\.0\\.1.*public: true`));
  }

  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as AddressInfo;
  try {
    const busy = await cli(['run', cheapPipeline(dir, clip, { port })]);
    t.is(busy.code, 4, busy.stderr);
    t.regex(busy.stderr, new RegExp(`sink\\.preview cannot serve on 127\\.0\\.0\\.1:${port}: port ${port} is in use.*Fix: choose another port, or port: 0`));
  } finally {
    blocker.close();
  }

  // Opted in: it serves beyond loopback and says so. (Only loopback traffic is sent.)
  const wide = await cli(['run', cheapPipeline(dir, clip, { host: '0.0.0.0', public: true })]);
  t.is(wide.code, 0, wide.stderr);
  t.regex(wide.stderr, /serving the footage on http:\/\/0\.0\.0\.0:\d+\/ \(host 0\.0\.0\.0, public: true\) without a password/);
});
