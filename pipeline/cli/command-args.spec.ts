import test from 'ava';
import { KindPipeError } from '../../core/errors.js';
import { parseCommandArgs } from './command-args.js';

const spec = { command: 'serve', usage: 'usage: x', flags: ['--socket'], log: true, noInputOutput: 'has no paths' };

test('parseCommandArgs should read the file, --set, --log and the command flags in both spellings', (t) => {
  const args = parseCommandArgs(['--socket=/tmp/s', 'p.yaml', '--set', 'a.b=1', '--set=c.d=2', '--log', 'json'], spec);
  t.deepEqual(args, { file: 'p.yaml', sets: ['a.b=1', 'c.d=2'], log: 'json', help: false, values: { '--socket': '/tmp/s' } });
});

test('parseCommandArgs should refuse unknown flags, a second file and --set input= with usage errors', (t) => {
  for (const [argv, message] of [
    [['--onnx', 'x'], /unknown flag --onnx\n\nusage: x/],
    [['a.yaml', 'b.yaml'], /kind-pipe serve takes one pipeline file, got 'a\.yaml' and 'b\.yaml'/],
    [['--set', 'input=x.mp4'], /--set input=x\.mp4: kind-pipe serve has no paths/],
    [['--socket'], /--socket needs a value/],
  ] as const) {
    const error = t.throws(() => parseCommandArgs(argv, spec));
    t.true(KindPipeError.is(error, 'usage'));
    t.regex(error!.message, message);
  }
});
