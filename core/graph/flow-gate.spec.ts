import test from 'ava';
import type { FrameSet } from '../frame.js';
import { FlowGate, type FlowPolicyName } from './flow-gate.js';

const frame = (index: number): FrameSet => ({ video: { index, pts: index / 10, width: 1, height: 1, channels: 3, data: new Uint8Array(3) } });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Offers `n` frames while nothing is written: what the gate does while the stages are stuck. */
async function offerWhileStuck(policy: FlowPolicyName, n: number, maxInFlight = 2) {
  const gate = new FlowGate({ policy, maxInFlight }, ['sink']);
  for (let i = 0; i < n; i++) await gate.offer(frame(i));
  return gate;
}

test('FlowGate.offer when the stages are full under drop-oldest should keep only the newest waiting frame and count the rest dropped', async (t) => {
  const gate = await offerWhileStuck('drop-oldest', 6);
  t.deepEqual(gate.counts, { received: 6, enhanced: 0, dropped: 3, passed: 0 });
  t.is((await gate.take())!.video.index, 0);
  t.is((await gate.take())!.video.index, 1);
  gate.frameWritten('sink');
  t.is((await gate.take())!.video.index, 5, 'the newest frame enters once a sink frees a place');
});

test('FlowGate.offer when the stages are full under passthrough should route the frame around the stages, in order', async (t) => {
  const gate = await offerWhileStuck('passthrough', 4);
  t.deepEqual(gate.counts, { received: 4, enhanced: 0, dropped: 0, passed: 2 });
  const routes = [];
  for (let i = 0; i < 4; i++) routes.push(await gate.nextRoute('sink'));
  t.deepEqual(
    routes.map((r) => (r!.kind === 'bypass' ? `bypass#${r!.frames.video.index}` : 'stages')),
    ['stages', 'stages', 'bypass#2', 'bypass#3'],
  );
});

test('FlowGate.offer when the stages are full under block should wait until every sink wrote a frame', async (t) => {
  const gate = new FlowGate({ policy: 'block', maxInFlight: 1 }, ['a', 'b']);
  await gate.offer(frame(0));
  let admitted = false;
  const second = gate.offer(frame(1)).then(() => (admitted = true));
  await tick();
  t.false(admitted);
  gate.frameWritten('a');
  await tick();
  t.false(admitted, 'one sink of two is not enough');
  gate.frameWritten('b');
  await second;
  t.deepEqual(gate.counts, { received: 2, enhanced: 1, dropped: 0, passed: 0 });
});

test('FlowGate.take when the source ended should still hand out the waiting frame, then end', async (t) => {
  const gate = await offerWhileStuck('drop-oldest', 3, 1);
  gate.end();
  t.is((await gate.take())!.video.index, 0);
  const next = gate.take();
  gate.frameWritten('sink');
  t.is((await next)!.video.index, 2);
  gate.frameWritten('sink');
  t.is(await gate.take(), undefined);
  t.deepEqual(gate.counts, { received: 3, enhanced: 2, dropped: 1, passed: 0 });
});

test('FlowGate.nextRoute when the gate failed should throw the failure to every waiting side', async (t) => {
  const gate = new FlowGate({ policy: 'block', maxInFlight: 1 }, ['sink']);
  const route = gate.nextRoute('sink');
  const take = gate.take();
  gate.fail(new Error('stopped'));
  await t.throwsAsync(route, { message: 'stopped' });
  await t.throwsAsync(take, { message: 'stopped' });
});
