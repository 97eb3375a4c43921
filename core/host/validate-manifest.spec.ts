import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../models/paths.js';
import { builtinPluginFolders } from '../../plugins/builtin.js';
import { activatesOn, validateManifest } from './validate-manifest.js';

const problemsOf = (json: unknown) => {
  const result = validateManifest(json, 'x/package.json');
  return 'problems' in result ? result.problems : [];
};

test('validateManifest should accept every built-in plugin manifest', (t) => {
  for (const folder of builtinPluginFolders) {
    const file = join(projectRoot, 'plugins', folder, 'package.json');
    t.deepEqual(problemsOf(JSON.parse(readFileSync(file, 'utf8'))), [], folder);
  }
});

test('validateManifest should default activation events to the contributed ids', (t) => {
  const result = validateManifest({ name: 'acme', type: 'module', kindPipe: { contributes: { stages: ['acme.crop'], sinks: [{ id: 'acme.out', description: 'd' }] } } }, 'p');
  if (!('manifest' in result)) return t.fail(result.problems.join());
  t.deepEqual(result.manifest.activationEvents, ['onStage:acme.crop', 'onSink:acme.out']);
  t.deepEqual([result.manifest.host, result.manifest.policy, result.manifest.timeout, result.manifest.main], ['inline', 'fail', 10, 'index.js']);
  t.true(activatesOn(result.manifest, 'acme.crop'));
  t.false(activatesOn(result.manifest, 'normalize'));
});

test('validateManifest when fields are wrong should name the plugin and each field', (t) => {
  const problems = problemsOf({
    name: 'acme',
    kindPipe: { contributes: { stage: ['a.b'], stages: ['ok.id', 'bad id'] }, activationEvents: ['onStage:other', 'whenever'], host: 'isolate', policy: 'retry', timout: 3, main: 'index.ts' },
  });
  for (const expected of [
    /^acme: type: must be "module"/,
    /^acme: kindPipe\.contributes\.stage: unknown kind; did you mean 'stages'\?/,
    /^acme: kindPipe\.contributes\.stages\[1\]: must be an id/,
    /^acme: kindPipe\.activationEvents\[0\]: 'onStage:other' names 'other', which kindPipe\.contributes\.stages does not list/,
    /^acme: kindPipe\.activationEvents\[1\]: "whenever" is not an activation event/,
    /^acme: kindPipe\.host: "isolate" is not allowed; did you mean 'isolated'\?/,
    /^acme: kindPipe\.policy: "retry" is not allowed/,
    /^acme: kindPipe\.timout: unknown field; did you mean 'timeout'\?/,
    /^acme: kindPipe\.main: must name an ES module file/,
  ]) {
    t.true(problems.some((p) => expected.test(p)), `${expected} in:\n${problems.join('\n')}`);
  }
});

test('validateManifest should read a declared contract and name each malformed field', (t) => {
  const base = { name: 'acme', type: 'module', main: 'index.js' };
  const good = validateManifest({ ...base, kindPipe: { contributes: { stages: [{ id: 'acme.gain', inputs: [{ name: 'video', accepts: { kind: 'video' } }], outputs: [{ name: 'out', produces: { kind: 'tensor', channels: 3 } }], options: { gain: { type: 'number', description: 'g', default: 2, min: 0 } } }] } } }, 'acme');
  t.true('manifest' in good);
  if ('manifest' in good) t.deepEqual(good.manifest.contributes.stages[0].outputs, [{ name: 'out', produces: { kind: 'tensor', channels: 3 } }]);
  const bad = validateManifest({ ...base, kindPipe: { contributes: { stages: [{ id: 'acme.gain', inputs: [{ name: 'video', accepts: { kind: 'audio' } }], options: { gain: { type: 'float', description: 'g' }, mode: { type: 'string', description: 'm', default: 3 } } }] } } }, 'acme');
  t.true('problems' in bad);
  const text = 'problems' in bad ? bad.problems.join('\n') : '';
  t.regex(text, /acme: kindPipe\.contributes\.stages\[0\]\.inputs\[0\]: must be \{ "name": …, "accepts"/);
  t.regex(text, /acme: kindPipe\.contributes\.stages\[0\]\.options\.gain: needs "type"/);
  t.regex(text, /acme: kindPipe\.contributes\.stages\[0\]\.options\.mode\.default: must be a string/);
});
