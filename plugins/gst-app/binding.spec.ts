import test from 'ava';
import { loadBinding } from './binding.js';

test('loadBinding should return, not throw, an error naming the missing module, the Debian packages and the reinstall', (t) => {
  const result = loadBinding('gstreamer-superficial-not-installed');
  t.true(result instanceof Error);
  const message = (result as Error).message;
  t.regex(message, /GStreamer is not available: the npm package gstreamer-superficial-not-installed is not installed/);
  t.regex(message, /apt-get install libgstreamer1\.0-dev libgstreamer-plugins-base1\.0-dev gstreamer1\.0-plugins-base/);
  t.regex(message, /scripts\/setup\.sh --gstreamer/);
  t.regex(message, /npm ci/);
});

test('loadBinding should say that a module without a Pipeline class is not the binding', (t) => {
  const result = loadBinding('yaml');
  t.true(result instanceof Error);
  t.regex((result as Error).message, /could not be loaded \(yaml has no Pipeline class\)/);
});
