import test from 'ava';
import { isLoopback } from './loopback.js';

test('isLoopback should accept only names of this machine’s loopback interface', (t) => {
  for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '::ffff:127.0.0.1']) t.true(isLoopback(host), host);
  for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.org', '128.0.0.1', '::ffff:10.0.0.1', '']) t.false(isLoopback(host), host);
});

test('isLoopback should accept the bound name only when that name is loopback itself', (t) => {
  t.true(isLoopback('127.0.0.5', '127.0.0.5'));
  t.false(isLoopback('myhost', 'myhost'));
});
