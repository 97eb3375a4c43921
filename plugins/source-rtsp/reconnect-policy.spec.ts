import test from 'ava';
import { ReconnectPolicy } from './reconnect-policy.js';

test('ReconnectPolicy.lost when attempts keep failing should wait 0.5, 1, 2, 4, 8, 8 s', (t) => {
  const policy = new ReconnectPolicy(0.5, 8, 0);
  const waits = [];
  let now = 0;
  for (let i = 0; i < 6; i++) {
    const wait = policy.lost(now)!;
    waits.push(wait);
    now += wait * 1000;
  }
  t.deepEqual(waits, [0.5, 1, 2, 4, 8, 8]);
});

test('ReconnectPolicy.recovered when frames flow again should report the outage and start the backoff over', (t) => {
  const policy = new ReconnectPolicy(0.5, 8, 0);
  policy.lost(1000);
  policy.lost(1500);
  t.is(policy.recovered(4000), 3);
  t.is(policy.recovered(5000), undefined, 'no outage: nothing to report');
  t.is(policy.lost(6000), 0.5);
});

test('ReconnectPolicy.lost when the outage reaches maxOutage should give up, and never wait past it', (t) => {
  const policy = new ReconnectPolicy(0.5, 8, 10);
  t.is(policy.lost(0), 0.5);
  t.is(policy.lost(8000), 1, 'backoff keeps doubling from the first loss');
  t.is(policy.lost(9500), 0.5, 'the last wait ends at the deadline');
  t.is(policy.lost(10_000), undefined);
});

test('ReconnectPolicy.lost with maxOutage 0 should retry forever', (t) => {
  const policy = new ReconnectPolicy(0.5, 8, 0);
  t.is(policy.lost(0), 0.5);
  t.is(policy.lost(86_400_000), 1);
});
