#!/usr/bin/env node
/**
 * The super-resolution benchmark: on every pristine/val image (degraded by the project's SR
 * degradation — downscale, blur, noise, JPEG — with a fixed seed), PSNR and SSIM on RGB of the
 * shipped `sr-x2` net against ffmpeg's lanczos and bicubic upscaling of the same low-resolution
 * input, borders cropped; plus the net's milliseconds per frame at a 640×360 input.
 *
 *   node dist/bench/models/sr.js                 # all 50 val images, writes bench/results/sr.json
 *   node dist/bench/models/sr.js --limit 6       # a quick run
 *
 * ```ts
 * const result = await benchSr({ limit: 6 });
 * if ('skipped' in result) console.log(result.skipped);
 * else console.log(result.gainOverLanczos); // dB
 * ```
 *
 * The low-resolution inputs come from models/sr/train/make_eval.py (Debian's python3 with
 * numpy and PIL); without it, or without ../shared/data, the benchmark skips with a message.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../core/media/tool.js';
import { decodeImage, type Still } from '../../core/media/still.js';
import type { ModelSession } from '../../core/model.js';
import { projectRoot } from '../../models/paths.js';
import { FileModelRegistry, loadModelTable } from '../../models/registry.js';
import { OnnxRuntime } from '../../models/runtime/onnx-runtime.js';
import { psnr } from '../../pipeline/eval/psnr.js';
import { ssim } from '../../pipeline/eval/ssim.js';

const run = promisify(execFile);
const python = '/usr/bin/python3';

export interface SrScores {
  psnr: number;
  ssim: number;
}

export interface SrBenchOptions {
  /** Shared data folder (default $KIND_PIPE_DATA or ../shared/data). */
  dataRoot?: string;
  /** First N val images only (0: all). */
  limit?: number;
  seed?: number;
  model?: string;
  /** onnxruntime intra-op threads. */
  threads?: number;
  log?: (message: string) => void;
}

export interface SrBenchResult {
  model: string;
  scale: number;
  params: number;
  steps: number;
  minutes: number;
  images: number;
  seed: number;
  /** Pixels cropped from each side of the HR image before scoring. */
  border: number;
  methods: { net: SrScores; lanczos: SrScores; bicubic: SrScores };
  /** net PSNR − lanczos PSNR, dB. */
  gainOverLanczos: number;
  gainOverBicubic: number;
  /** Median of 5 runs of the net on a 640×360 input, after one warm-up. */
  msPerFrame640x360: number;
  threads: number;
  machine: string;
  date: string;
}

/** Runs the benchmark, or says why it cannot run here. */
export async function benchSr(options: SrBenchOptions = {}): Promise<SrBenchResult | { skipped: string }> {
  const dataRoot = options.dataRoot ?? process.env.KIND_PIPE_DATA ?? join(projectRoot, '..', 'shared', 'data');
  const seed = options.seed ?? 1;
  const modelId = options.model ?? 'sr-x2';
  const threads = options.threads ?? 2;
  const log = options.log ?? (() => undefined);
  if (!existsSync(join(dataRoot, 'pristine', 'val'))) return { skipped: `${join(dataRoot, 'pristine', 'val')} is absent (set KIND_PIPE_DATA to the shared data folder)` };
  if (spawnSync(python, ['-c', 'import numpy, PIL'], { stdio: 'ignore' }).status !== 0) {
    return { skipped: `${python} cannot import numpy and PIL (apt-get install python3-numpy python3-pil, or scripts/setup.sh --training)` };
  }
  const registry = new FileModelRegistry(loadModelTable(), new OnnxRuntime());
  const entry = registry.get(modelId);
  const [role, network] = Object.entries(entry.networks)[0];
  const scale = network.contract?.scale ?? 2;
  const border = 2 * scale;
  const dir = mkdtempSync(join(tmpdir(), 'kind-pipe-sr-bench-'));
  const session = await registry.open(modelId, role, { threads, optimization: 'all', providers: ['cpu'] });
  try {
    const script = join(projectRoot, 'models', 'sr', 'train', 'make_eval.py');
    await run(python, [script, '--out', dir, '--scale', String(scale), '--seed', String(seed), '--limit', String(options.limit ?? 0)], { env: { ...process.env, KIND_PIPE_DATA: dataRoot } });
    const pairs = (JSON.parse(readFileSync(join(dir, 'pairs.json'), 'utf8')) as { pairs: { name: string; lr: string; hr: string }[] }).pairs;
    const scores: Record<'net' | 'lanczos' | 'bicubic', SrScores[]> = { net: [], lanczos: [], bicubic: [] };
    for (const [i, pair] of pairs.entries()) {
      const lr = await decodeImage(join(dir, pair.lr));
      const hr = crop(await decodeImage(join(dir, pair.hr)), border);
      const outputs = {
        net: await upscaleNet(session, lr, scale),
        lanczos: await upscaleFfmpeg(join(dir, pair.lr), lr, scale, 'lanczos'),
        bicubic: await upscaleFfmpeg(join(dir, pair.lr), lr, scale, 'bicubic'),
      };
      for (const [method, image] of Object.entries(outputs) as [keyof typeof scores, Still][]) {
        const c = crop(image, border);
        scores[method].push({ psnr: psnr(c, hr), ssim: ssim(c, hr) });
      }
      log(`${i + 1}/${pairs.length} ${pair.name}: net ${scores.net[i].psnr.toFixed(2)} dB, lanczos ${scores.lanczos[i].psnr.toFixed(2)} dB`);
    }
    const methods = { net: mean(scores.net), lanczos: mean(scores.lanczos), bicubic: mean(scores.bicubic) };
    return {
      model: modelId,
      scale,
      params: network.params,
      steps: network.steps,
      minutes: network.minutes,
      images: pairs.length,
      seed,
      border,
      methods,
      gainOverLanczos: round(methods.net.psnr - methods.lanczos.psnr, 2),
      gainOverBicubic: round(methods.net.psnr - methods.bicubic.psnr, 2),
      msPerFrame640x360: await timeNet(session, 640, 360),
      threads,
      machine: `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, node ${process.version}, load average ${loadavg()[0].toFixed(1)}`,
      date: new Date().toISOString(),
    };
  } finally {
    await session.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** rgb24 → NCHW 0..1 → the net → rgb24 at `scale` × the size. */
export async function upscaleNet(session: ModelSession, image: Still, scale: number): Promise<Still> {
  const { width, height } = image;
  const plane = width * height;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) input[c * plane + i] = image.data[i * 3 + c] / 255;
  const result = await session.run({ [session.inputNames[0]]: { data: input, dims: [1, 3, height, width] } });
  const out = result[session.outputNames[0]].data as Float32Array;
  const [ow, oh] = [width * scale, height * scale];
  const data = new Uint8Array(ow * oh * 3);
  const oplane = ow * oh;
  for (let i = 0; i < oplane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = out[c * oplane + i];
      data[i * 3 + c] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
    }
  }
  return { width: ow, height: oh, data };
}

/** ffmpeg's own upscaling of an image file, in RGB with accurate rounding. */
export async function upscaleFfmpeg(file: string, size: { width: number; height: number }, scale: number, flags: 'lanczos' | 'bicubic'): Promise<Still> {
  const [width, height] = [size.width * scale, size.height * scale];
  const { stdout } = await run(
    ffmpegPath,
    ['-v', 'error', '-nostdin', '-i', file, '-vf', `scale=${width}:${height}:flags=${flags}+accurate_rnd+full_chroma_int`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: width * height * 3 + 1024 },
  );
  if (stdout.length !== width * height * 3) throw new Error(`ffmpeg ${flags} upscaling of ${file} gave ${stdout.length} bytes, expected ${width}×${height}×3`);
  return { width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length) };
}

function crop(image: Still, border: number): Still {
  const width = image.width - 2 * border;
  const height = image.height - 2 * border;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) data.set(image.data.subarray(((y + border) * image.width + border) * 3, ((y + border) * image.width + border + width) * 3), y * width * 3);
  return { width, height, data };
}

async function timeNet(session: ModelSession, width: number, height: number): Promise<number> {
  const input = new Float32Array(3 * width * height);
  for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) >>> 24) / 255;
  const feeds = { [session.inputNames[0]]: { data: input, dims: [1, 3, height, width] } };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  return Math.round(times.sort((a, b) => a - b)[2]);
}

function mean(all: readonly SrScores[]): SrScores {
  return { psnr: round(all.reduce((s, x) => s + x.psnr, 0) / all.length, 2), ssim: round(all.reduce((s, x) => s + x.ssim, 0) / all.length, 4) };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The figures as a Markdown table. */
export function srMarkdown(r: SrBenchResult): string {
  return [
    `SR ×${r.scale} on ${r.images} pristine/val images (seed ${r.seed}, ${r.border}-px border cropped), ${r.model}: ${r.params} params, ${r.steps} steps, ${r.minutes} min`,
    '',
    '| method | PSNR dB | SSIM |',
    '| --- | --- | --- |',
    `| ${r.model} | ${r.methods.net.psnr.toFixed(2)} | ${r.methods.net.ssim.toFixed(4)} |`,
    `| ffmpeg lanczos | ${r.methods.lanczos.psnr.toFixed(2)} | ${r.methods.lanczos.ssim.toFixed(4)} |`,
    `| ffmpeg bicubic | ${r.methods.bicubic.psnr.toFixed(2)} | ${r.methods.bicubic.ssim.toFixed(4)} |`,
    '',
    `Gain over lanczos ${r.gainOverLanczos >= 0 ? '+' : ''}${r.gainOverLanczos} dB, over bicubic ${r.gainOverBicubic >= 0 ? '+' : ''}${r.gainOverBicubic} dB. ` +
      `${r.msPerFrame640x360} ms per 640×360 frame (${r.threads} threads; ${r.machine}).`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const options: SrBenchOptions = { log: (m) => process.stderr.write(`${m}\n`) };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--limit') options.limit = Number(value());
    else if (flag === '--seed') options.seed = Number(value());
    else if (flag === '--threads') options.threads = Number(value());
    else throw new Error(`unknown argument ${argv[i]} (use --limit N, --seed N, --threads N)`);
  }
  const result = await benchSr(options);
  if ('skipped' in result) {
    process.stdout.write(`bench sr: skipped — ${result.skipped}\n`);
    return 0;
  }
  const out = join(projectRoot, 'bench', 'results', 'sr.json');
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${srMarkdown(result)}\n\nwrote ${out}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench sr: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
