import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { encodePng } from '../../core/media/still.js';
import { evaluate } from './evaluate.js';
import { constant, image } from './fixtures/images.js';
import type { Rgb } from './rgb.js';
import { formatJson, formatText } from './report.js';
import { ssim } from './ssim.js';

/** Writes `{ folder: { file: image } }` as PNGs under a fresh temp dir and returns its path. */
async function folders(layout: Record<string, Record<string, Rgb>>): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'kind-pipe-eval-'));
  for (const [folder, files] of Object.entries(layout)) {
    mkdirSync(join(root, folder));
    for (const [file, still] of Object.entries(files)) await encodePng(join(root, folder, file), still);
  }
  return root;
}

const texture = image(24, 16, (i, j, c) => (i * 29 + j * 13 + c * 40) % 256);

test('evaluate should pair images by base name and score each pair', async (t) => {
  const root = await folders({
    pred: { 'a.png': constant(16, 12, 110), 'b.png': texture },
    gt: { 'a.png': constant(16, 12, 100), 'b.PNG': texture },
  });
  const report = await evaluate({ pred: join(root, 'pred'), gt: join(root, 'gt') });
  if (report.mode !== 'reference') return t.fail('expected a reference report');
  t.deepEqual(report.images.map((i) => [i.name, i.width, i.height]), [['a', 16, 12], ['b', 24, 16]]);
  const [a, b] = report.images.map((i) => i.scores);
  t.is(a.psnr.toFixed(4), (20 * Math.log10(25.5)).toFixed(4));
  t.is(a.ssim, ssim(constant(16, 12, 110), constant(16, 12, 100)));
  t.is(a.loe, 0);
  t.deepEqual(b, { psnr: Infinity, ssim: 1, loe: 0 });
  t.is(report.mean.psnr, Infinity);
  t.is(report.mean.ssim, (a.ssim + 1) / 2);
  t.regex(formatText(report), /^a\s+16×12\s+28\.13\s/m);
  t.regex(formatText(report), /^b\s+24×16\s+inf\s+1\.0000\s+0\.0$/m);
  const json = JSON.parse(formatJson(report));
  t.is(json.images[1].scores.psnr, null);
  t.is(json.mean.psnr, null);
  t.is(json.images[0].scores.psnr.toFixed(2), '28.13');
});

test('evaluate should give no-reference stats without --gt', async (t) => {
  const root = await folders({ pred: { 'dark.png': constant(12, 12, 20, 10, 5), 'grey.png': constant(12, 12, 128) } });
  const report = await evaluate({ pred: join(root, 'pred') });
  if (report.mode !== 'no-reference') return t.fail('expected a no-reference report');
  t.deepEqual(report.images.map((i) => i.name), ['dark', 'grey']);
  t.is(report.images[1].scores.meanLuma.toFixed(6), '128.000000');
  t.is(report.images[1].scores.noiseSigma, 0);
  t.is(report.images[1].scores.colourfulness, 0);
  t.true(report.images[0].scores.colourfulness > 0);
  t.regex(formatText(report), /no reference/);
});

test('evaluate should name both sizes when a pair differs in size', async (t) => {
  const root = await folders({ pred: { 'a.png': constant(16, 12, 1) }, gt: { 'a.png': constant(16, 14, 1) } });
  const error = await t.throwsAsync(evaluate({ pred: join(root, 'pred'), gt: join(root, 'gt') }));
  t.true(KindPipeError.is(error, 'input'));
  t.regex(error!.message, /'a'.*16×12.*16×14/);
  t.regex(error!.message, /Fix:/);
});

test('evaluate should name the images missing on either side', async (t) => {
  const root = await folders({
    pred: { 'a.png': texture, 'only-pred.png': texture },
    gt: { 'a.png': texture, 'only-gt-1.png': texture, 'only-gt-2.png': texture },
  });
  const error = await t.throwsAsync(evaluate({ pred: join(root, 'pred'), gt: join(root, 'gt') }));
  t.true(KindPipeError.is(error, 'input'));
  t.regex(error!.message, /1 image\(s\) in --pred .* no ground truth .*: only-pred/);
  t.regex(error!.message, /2 ground truth image\(s\) in --gt .* no prediction .*: only-gt-1, only-gt-2/);
});

test('evaluate should reject an empty, a missing and a file-not-folder --pred', async (t) => {
  const root = await folders({ empty: {}, gt: { 'a.png': texture } });
  writeFileSync(join(root, 'empty', 'notes.txt'), 'not an image');
  const empty = await t.throwsAsync(evaluate({ pred: join(root, 'empty'), gt: join(root, 'gt') }));
  t.regex(empty!.message, /--pred .*empty holds no images/);
  const missing = await t.throwsAsync(evaluate({ pred: join(root, 'nope') }));
  t.true(KindPipeError.is(missing, 'input'));
  t.regex(missing!.message, /--pred .*nope does not exist/);
  const file = await t.throwsAsync(evaluate({ pred: join(root, 'gt', 'a.png') }));
  t.regex(file!.message, /is a file, not a folder/);
  const gtMissing = await t.throwsAsync(evaluate({ pred: join(root, 'gt'), gt: join(root, 'nothing') }));
  t.regex(gtMissing!.message, /--gt .*nothing does not exist/);
});

test('evaluate should reject two images with one base name', async (t) => {
  const root = await folders({ pred: { 'a.png': texture, 'a.bmp': texture } });
  const error = await t.throwsAsync(evaluate({ pred: join(root, 'pred') }));
  t.regex(error!.message, /two images named 'a': a\.bmp and a\.png/);
});
