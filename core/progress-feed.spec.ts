import test from 'ava';
import { createProgressFeed } from './progress-feed.js';

test('createProgressFeed should keep the latest report and tell subscribers until they dispose', (t) => {
  const feed = createProgressFeed();
  t.is(feed.latest, undefined);
  const seen: number[] = [];
  const subscription = feed.subscribe((p) => seen.push(p.frames));
  feed.publish({ frames: 1, elapsedS: 0.1, fps: 10 });
  subscription.dispose();
  feed.publish({ frames: 2, elapsedS: 0.2, fps: 10, total: 5 });
  t.deepEqual(seen, [1]);
  t.deepEqual(feed.latest, { frames: 2, elapsedS: 0.2, fps: 10, total: 5 });
});
