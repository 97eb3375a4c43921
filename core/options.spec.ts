import test from 'ava';
import { closest, resolveOptions, type OptionsSchema } from './options.js';

const schema: OptionsSchema = {
  ratio: { type: 'number', description: 'r', default: 5, min: 0.5, max: 20 },
  frames: { type: 'integer', description: 'f', default: 0, min: 0 },
  mode: { type: 'string', description: 'm', default: 'ratio', enum: ['ratio', 'auto'] },
  path: { type: 'path', description: 'p' },
  fast: { type: 'boolean', description: 'b', default: false },
};

test('resolveOptions should fill defaults and convert strings from --set', (t) => {
  const { options, problems } = resolveOptions(schema, { path: 'a.mp4', ratio: '3.5', frames: '10', fast: 'true' });
  t.deepEqual(problems, []);
  t.deepEqual(options, { ratio: 3.5, frames: 10, mode: 'ratio', path: 'a.mp4', fast: true });
});

test('resolveOptions should report every problem at once', (t) => {
  const { problems } = resolveOptions(schema, { ratio: 50, frames: 1.5, mode: 'manual', colour: 1 });
  t.deepEqual(problems.map((p) => p.option).sort(), ['colour', 'frames', 'mode', 'path', 'ratio']);
  t.regex(problems.find((p) => p.option === 'ratio')!.message, /out of range \[0\.5, 20\]/);
  t.regex(problems.find((p) => p.option === 'path')!.message, /is required/);
});

test('closest should suggest near typos only', (t) => {
  t.is(closest('ration', ['ratio', 'mode']), 'ratio');
  t.is(closest('zzzzzz', ['ratio', 'mode']), undefined);
});
