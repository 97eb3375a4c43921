import test from 'ava';
import { temporalFilterFrames } from './temporal-filters.js';

test('temporalFilterFrames counts only filters that look at earlier frames, and adds them along the chain', (t) => {
  t.is(temporalFilterFrames('eq=gamma=1.4,unsharp'), 0);
  t.is(temporalFilterFrames('hqdn3d=4:3:6:4.5'), 30);
  t.is(temporalFilterFrames('hqdn3d, eq=gamma=1.2 ,atadenoise'), 48);
  t.is(temporalFilterFrames('scale=640:-2,tmedian@t=radius=2'), 6);
});
