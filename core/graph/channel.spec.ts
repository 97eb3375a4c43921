import test from 'ava';
import { Channel } from './channel.js';

test('Channel .push when full should wait until the consumer pulls (backpressure)', async (t) => {
  const channel = new Channel<number>(2);
  await channel.push(1);
  await channel.push(2);
  let third = false;
  const pending = channel.push(3).then(() => (third = true));
  await new Promise((r) => setTimeout(r, 20));
  t.false(third);
  t.is(channel.length, 2);
  t.is(await channel.pull(), 1);
  await pending;
  t.true(third);
});

test('Channel .pull when closed and drained should return undefined', async (t) => {
  const channel = new Channel<number>(1);
  await channel.push(7);
  channel.close();
  t.is(await channel.pull(), 7);
  t.is(await channel.pull(), undefined);
});

test('Channel .fail should wake a blocked producer and consumer with the error', async (t) => {
  const full = new Channel<number>(1);
  await full.push(1);
  const producer = full.push(2);
  const empty = new Channel<number>(1);
  const consumer = empty.pull();
  const error = new Error('boom');
  full.fail(error);
  empty.fail(error);
  await t.throwsAsync(producer, { is: error });
  await t.throwsAsync(consumer, { is: error });
});
