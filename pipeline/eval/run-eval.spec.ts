import test from 'ava';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import { encodePng } from '../../core/media/still.js';
import { constant } from './fixtures/images.js';
import { runEvalCommand } from './run-eval.js';

async function captureStdout(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await fn(), out };
  } finally {
    process.stdout.write = write;
  }
}

test.serial('runEvalCommand should print JSON with --json and resolve to 0', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kind-pipe-eval-cli-'));
  for (const folder of ['pred', 'gt']) mkdirSync(join(root, folder));
  await encodePng(join(root, 'pred', 'x.png'), constant(12, 12, 60));
  await encodePng(join(root, 'gt', 'x.png'), constant(12, 12, 50));
  const { code, out } = await captureStdout(() => runEvalCommand([`--pred=${join(root, 'pred')}`, '--gt', join(root, 'gt'), '--json']));
  t.is(code, 0);
  const report = JSON.parse(out);
  t.is(report.mode, 'reference');
  t.is(report.images[0].name, 'x');
  t.is(report.mean.psnr.toFixed(2), '28.13');
});

test('runEvalCommand should call a missing --pred or an unknown flag a usage error', async (t) => {
  const none = await t.throwsAsync(runEvalCommand(['--gt', 'x']));
  t.true(KindPipeError.is(none, 'usage'));
  t.regex(none!.message, /needs --pred DIR/);
  const unknown = await t.throwsAsync(runEvalCommand(['--pred', 'x', '--ref', 'y']));
  t.true(KindPipeError.is(unknown, 'usage'));
  t.regex(unknown!.message, /unexpected argument '--ref'/);
  const empty = await t.throwsAsync(runEvalCommand(['--pred']));
  t.regex(empty!.message, /--pred needs a folder/);
});
