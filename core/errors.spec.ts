import test from 'ava';
import { KindPipeError } from './errors.js';

test('KindPipeError.toData then fromData should keep the kind, the message and the origin (issue #21)', (t) => {
  const error = new KindPipeError('model', 'no model for frame 3', { origin: { plugin: 'acme', node: 'enhance', stage: 'acme.net', frame: 3 } });
  const rebuilt = KindPipeError.fromData(structuredClone(KindPipeError.toData(error)));
  t.is(rebuilt.kind, 'model');
  t.is(rebuilt.message, 'no model for frame 3');
  t.deepEqual(rebuilt.origin, { plugin: 'acme', node: 'enhance', stage: 'acme.net', frame: 3 });
});

test('KindPipeError.fromData should give a plain Error from the other side the fallback kind and no origin (issue #21)', (t) => {
  const rebuilt = KindPipeError.fromData(KindPipeError.toData(new Error('bad pixel')));
  t.is(rebuilt.kind, 'plugin');
  t.is(rebuilt.message, 'bad pixel');
  t.is(rebuilt.origin, undefined);
});

test('KindPipeError.namesPlugin should look at the origin, never at the message (issue #21)', (t) => {
  t.true(KindPipeError.namesPlugin(new KindPipeError('plugin', 'whatever it says', { origin: { plugin: 'acme' } })));
  t.false(KindPipeError.namesPlugin(new KindPipeError('plugin', "plugin 'acme' says so in its text")));
  t.false(KindPipeError.namesPlugin(new KindPipeError('plugin', 'a node failed', { origin: { node: 'n1' } })));
  t.false(KindPipeError.namesPlugin(new Error("plugin 'acme'")));
});
