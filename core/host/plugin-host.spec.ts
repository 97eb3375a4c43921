import test from 'ava';
import { Duplex, PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Caps } from '../caps.js';
import { KindPipeError } from '../errors.js';
import type { StagePlugin } from '../stage/plugin.js';
import { FramePipe } from './frame-pipe.js';
import type { PluginManifest } from './manifest.js';
import { PluginHost } from './plugin-host.js';
import { pluginHostMainMethods, pluginHostMethods, type PluginHostMainShape, type PluginHostShape } from './protocol.js';
import { proxyShape, serveShape } from './rpc.js';

/** Two connected in-memory duplex streams. */
function pair(): [Duplex, Duplex] {
  const ab = new PassThrough();
  const ba = new PassThrough();
  return [Duplex.from({ readable: ba, writable: ab }), Duplex.from({ readable: ab, writable: ba })];
}

const invert: StagePlugin = {
  role: 'stage',
  id: 'test.invert',
  description: 'inverts bytes',
  options: { fail_at: { type: 'integer', description: 'frame that throws', default: -1 } },
  example: 'plugin: test.invert',
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'in' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'out' }],
  negotiate: (inputs) => ({ video: inputs.video }),
  create: (ctx) => ({
    async process(inputs) {
      const f = inputs.video;
      if (f.index === ctx.options.fail_at) throw new KindPipeError('model', `no model for frame ${f.index}`);
      ctx.log.info(`frame ${f.index}`);
      return { video: { ...f, data: (f.data as Uint8Array).map((v) => 255 - v) } };
    },
  }),
};

const manifest: PluginManifest = {
  name: 'test-invert',
  main: 'index.js',
  contributes: { stages: [{ id: 'test.invert' }], sources: [], sinks: [], models: [] },
  activationEvents: ['onStage:test.invert'],
  host: 'isolated',
  policy: 'fail',
  timeout: 5,
};

/** kind-pipe's end and the host's end of the protocol, over in-memory streams. */
function connect(module: unknown) {
  const [rpcMain, rpcHost] = pair();
  const [framesMain, framesHost] = pair();
  const logs: string[] = [];
  const mainConnection = createMessageConnection(new StreamMessageReader(rpcMain), new StreamMessageWriter(rpcMain));
  const hostConnection = createMessageConnection(new StreamMessageReader(rpcHost), new StreamMessageWriter(rpcHost));
  const main: PluginHostMainShape = { $log: async (r) => void logs.push(`${r.level}: ${r.message}`) };
  serveShape(mainConnection, pluginHostMainMethods, main);
  const host = new PluginHost(new FramePipe(framesHost), proxyShape<PluginHostMainShape>(hostConnection, pluginHostMainMethods), async () => module);
  serveShape(hostConnection, pluginHostMethods, host);
  mainConnection.listen();
  hostConnection.listen();
  return { proxy: proxyShape<PluginHostShape>(mainConnection, pluginHostMethods), frames: new FramePipe(framesMain), logs };
}

const caps: Caps = { kind: 'video', format: 'rgb24', width: 2, height: 1, stream: { fps: 25, origin: 'test' } };
const request = { entry: '/x/index.js', folder: '/x', manifest };

test('PluginHost .$activate should describe the registered stages as data', async (t) => {
  const { proxy } = connect({ activate: (ctx: { subscriptions: unknown[]; register(p: unknown): unknown }) => void ctx.subscriptions.push(ctx.register(invert)) });
  const reply = await proxy.$activate(request);
  t.true(reply.ok);
  if (reply.ok) t.deepEqual(reply.stages.map((s) => [s.id, s.inputs[0].name, s.options.fail_at.type]), [['test.invert', 'video', 'integer']]);
  t.deepEqual(await proxy.$negotiate({ pluginId: 'test.invert', inputs: { video: caps }, options: {} }), { video: caps });
});

test('PluginHost .$activate when activate() throws should answer a value naming the cause', async (t) => {
  const { proxy } = connect({ activate: () => { throw new Error('weights missing'); } });
  t.deepEqual(await proxy.$activate(request), { ok: false, cause: 'activate() threw: weights missing' });
});

test('PluginHost .$activate when activate() forgets a contributed stage should say which', async (t) => {
  const { proxy } = connect({ activate: () => undefined });
  const reply = await proxy.$activate(request);
  t.false(reply.ok);
  if (!reply.ok) t.regex(reply.cause, /contributes lists 'test\.invert' but activate\(\) did not register it/);
});

test('PluginHost .$process should take frame bytes from the frame pipe and send the outputs back on it', async (t) => {
  const { proxy, frames, logs } = connect({ activate: (ctx: { register(p: unknown): unknown }) => void ctx.register(invert) });
  await proxy.$activate(request);
  await proxy.$createStage({ instance: 1, pluginId: 'test.invert', nodeId: 'n', options: { fail_at: 3 } });
  await proxy.$start({ instance: 1, caps: { video: caps } });
  await frames.send(9, [new Uint8Array([0, 10, 20, 30, 40, 250])]);
  const headers = await proxy.$process({ instance: 1, seq: 9, frames: [{ port: 'video', index: 2, pts: 0.08, width: 2, height: 1, channels: 3, dtype: 'u8', byteLength: 6 }] });
  t.deepEqual(headers.map((h) => [h.port, h.index, h.byteLength]), [['video', 2, 6]]);
  t.deepEqual([...new Uint8Array((await frames.receive(9))[0])], [255, 245, 235, 225, 215, 5]);
  t.deepEqual(logs, ['info: frame 2']);
});

test('PluginHost .$process when the stage throws should fail the request keeping the error kind', async (t) => {
  const { proxy, frames } = connect({ activate: (ctx: { register(p: unknown): unknown }) => void ctx.register(invert) });
  await proxy.$activate(request);
  await proxy.$createStage({ instance: 1, pluginId: 'test.invert', nodeId: 'n', options: { fail_at: 3 } });
  await frames.send(1, [new Uint8Array(6)]);
  const error = await t.throwsAsync(proxy.$process({ instance: 1, seq: 1, frames: [{ port: 'video', index: 3, pts: 0, width: 2, height: 1, channels: 3, dtype: 'u8', byteLength: 6 }] }));
  t.true(KindPipeError.is(error, 'model'));
  t.is(error?.message, 'no model for frame 3');
});

test('FramePipe should reassemble packets split at any byte and keep float bodies aligned', async (t) => {
  const [a, b] = pair();
  const sender = new FramePipe(a);
  const receiver = new FramePipe(b);
  const chunks: Buffer[] = [];
  const capture = new PassThrough();
  capture.on('data', (c: Buffer) => chunks.push(c));
  await new FramePipe(Duplex.from({ readable: new PassThrough(), writable: capture })).send(4, [new Float32Array([1.5, -2]), new Uint8Array([7])]);
  const bytes = Buffer.concat(chunks);
  for (const byte of bytes) b.emit('data', Buffer.from([byte])); // one byte at a time
  const bodies = await receiver.receive(4);
  t.deepEqual([...new Float32Array(bodies[0])], [1.5, -2]);
  t.deepEqual([...new Uint8Array(bodies[1])], [7]);
  sender.close();
  await t.throwsAsync(receiver.receive(5));
});
