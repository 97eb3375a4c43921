import test from 'ava';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { KindPipeError } from '../errors.js';
import { proxyShape, serveShape } from './rpc.js';

interface EchoShape {
  $fail(request: { plain: boolean }): Promise<void>;
}
const methods = ['$fail'] as const;

function connected(): EchoShape {
  const ab = new PassThrough();
  const ba = new PassThrough();
  const server = createMessageConnection(new StreamMessageReader(ab), new StreamMessageWriter(ba));
  const client = createMessageConnection(new StreamMessageReader(ba), new StreamMessageWriter(ab));
  serveShape<EchoShape>(server, methods, {
    async $fail({ plain }) {
      if (plain) throw new Error('bad pixel');
      throw new KindPipeError('model', 'no model for frame 3', { origin: { plugin: 'acme', node: 'enhance', frame: 3 } });
    },
  });
  server.listen();
  client.listen();
  return proxyShape<EchoShape>(client, methods);
}

test('proxyShape should rebuild a remote KindPipeError with its kind and origin (issue #21)', async (t) => {
  const error = await t.throwsAsync(connected().$fail({ plain: false }));
  t.true(KindPipeError.is(error, 'model'));
  t.is(error!.message, 'no model for frame 3');
  t.deepEqual((error as KindPipeError).origin, { plugin: 'acme', node: 'enhance', frame: 3 });
});

test('proxyShape should turn a remote plain Error into a plugin KindPipeError without an origin (issue #21)', async (t) => {
  const error = await t.throwsAsync(connected().$fail({ plain: true }));
  t.true(KindPipeError.is(error, 'plugin'));
  t.is(error!.message, 'bad pixel');
  t.is((error as KindPipeError).origin, undefined);
});
