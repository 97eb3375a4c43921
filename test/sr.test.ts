import test from 'ava';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeImage, type Still } from '../core/media/still.js';
import { silentLogger } from '../core/logger.js';
import { resolveOptions } from '../core/options.js';
import { projectRoot } from '../models/paths.js';
import { loadModelTable } from '../models/registry.js';
import { OnnxRuntime } from '../models/runtime/onnx-runtime.js';
import { psnr } from '../pipeline/eval/psnr.js';
import { createContainer } from '../pipeline/container.js';
import { modelImage } from '../plugins/model-image/model-image.js';
import { cli, makeClip, probe, sharedData, tempDir } from './helpers.js';
import { requiring } from './requiring.js';

const run = promisify(execFile);
const python = '/usr/bin/python3';
const torchMissing = spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status !== 0;

test('cctv-night-sr.yaml gives a valid video at twice the size with the same frame count, fps and audio', async (t) => {
  const dir = tempDir('kind-pipe-sr-');
  const input = await makeClip(join(dir, 'night.mp4'), { width: 64, height: 48, seconds: 1, fps: 25, audio: true });
  const output = join(dir, 'night-x2.mp4');

  const result = await cli(['run', 'pipelines/cctv-night-sr.yaml', '--set', `input=${input}`, '--set', `output=${output}`]);

  t.is(result.code, 0, result.stderr);
  const before = await probe(input);
  const after = await probe(output);
  t.is(after.width, 128);
  t.is(after.height, 96);
  t.is(after.frames, before.frames);
  t.is(after.frames, 25);
  t.true(Math.abs(after.fps - before.fps) < 0.01, `fps ${after.fps} vs ${before.fps}`);
  t.true(Math.abs(after.duration - before.duration) < 0.1, `duration ${after.duration} vs ${before.duration}`);
  t.true(after.hasAudio, 'the audio track is kept');
});

test('the registry lists sr-x2 as a trained ×2 super-resolution model with its contract', (t) => {
  const entry = loadModelTable().get('sr-x2');
  t.truthy(entry, 'models/sr/weights/manifest.json registers sr-x2');
  t.is(entry!.task, 'super-resolution');
  t.true(entry!.trained);
  const network = Object.values(entry!.networks)[0];
  t.like(network.contract, { layout: 'NCHW', range: '0..1', order: 'rgb', multiple: 1, scale: 2 });
  t.true(network.params <= 1_000_000, `${network.params} params`);
});

const photo = join(sharedData, 'pristine', 'val', 'kodak24_kodim23.jpg');

/** A 192×144 centre crop of a validation photo (parrots), downscaled ×2 by area and saved as JPEG (ffmpeg -q:v 12, about quality 40). */
async function degradedPhoto(dir: string): Promise<{ hr: Still; lr: Still; lrFile: string }> {
  const hrFile = join(dir, 'photo.png');
  const lrFile = join(dir, 'photo-lr.jpg');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', photo, '-vf', 'crop=192:144', '-frames:v', '1', '-pix_fmt', 'rgb24', hrFile]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', hrFile, '-vf', 'scale=96:72:flags=area', '-q:v', '12', '-frames:v', '1', lrFile]);
  return { hr: await decodeImage(hrFile), lr: await decodeImage(lrFile), lrFile };
}

const beatsTitle = 'sr-x2 through model.image beats ffmpeg bicubic upscaling in PSNR on a downscaled, JPEG-compressed photo';
{
  requiring(existsSync(photo), `${photo} is absent`, 'it comes with ../shared/data beside the project')(beatsTitle, async (t) => {
    const dir = tempDir('kind-pipe-sr-');
    const { hr, lr, lrFile } = await degradedPhoto(dir);
    const container = createContainer();
    const resolved = resolveOptions(modelImage.options, { model: 'sr-x2', scale: 2, threads: 1 });
    t.deepEqual(resolved.problems, []);
    const stage = modelImage.create({ nodeId: 'sr', options: resolved.options, log: silentLogger, signal: new AbortController().signal, get: <T>(token: symbol) => container.get<T>(token) });
    await stage.start?.({});
    const out = (await stage.process({ video: { index: 0, pts: 0, width: lr.width, height: lr.height, channels: 3, data: lr.data } })).video;
    await stage.dispose?.();
    const bicubic = (await run('ffmpeg', ['-v', 'error', '-i', lrFile, '-vf', 'scale=192:144:flags=bicubic+accurate_rnd+full_chroma_int', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer' })).stdout;

    t.is(out.width, 192);
    t.is(out.height, 144);
    const net = psnr({ width: 192, height: 144, data: out.data as Uint8Array }, hr);
    const base = psnr({ width: 192, height: 144, data: new Uint8Array(bicubic) }, hr);
    t.true(net > base + 0.3, `sr-x2 ${net.toFixed(2)} dB should beat bicubic ${base.toFixed(2)} dB by 0.3 dB`);
  });
}

const parityTitle = 'the shipped sr-x2.onnx matches its PyTorch definition within 1e-4 at 67×45';
{
  requiring(!torchMissing, `${python} cannot import torch and onnx`, 'scripts/setup.sh --training installs them')(parityTitle, async (t) => {
    const dir = tempDir('kind-pipe-sr-parity-');
    execFileSync(python, [join(projectRoot, 'models', 'sr', 'train', 'parity.py'), '--size', '67x45', '--out', dir], { stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as { onnx: string; tolerance: number; input: { file: string; shape: number[] }; output: { file: string; shape: number[] } };
    const read = (file: string) => {
      const bytes = readFileSync(join(dir, file));
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    };
    const session = await new OnnxRuntime().load(readFileSync(join(projectRoot, manifest.onnx)), manifest.onnx, { threads: 1, optimization: 'all', providers: ['cpu'] });
    const outputs = await session.run({ image: { data: read(manifest.input.file), dims: manifest.input.shape } });
    await session.dispose();
    const got = outputs[session.outputNames[0]];
    t.deepEqual([...got.dims], manifest.output.shape);
    t.deepEqual(manifest.output.shape, [1, 3, 90, 134]);
    const want = read(manifest.output.file);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got.data[i]));
    t.true(worst <= manifest.tolerance, `max abs diff ${worst} > ${manifest.tolerance}`);
  });
}
