import test from 'ava';
import { runServices } from './run-services.js';

test("runServices should answer the run's own bindings and pass every other token to the application's services (issue #21)", (t) => {
  const feed = Symbol('feed');
  const models = Symbol('models');
  const asked: symbol[] = [];
  const base = { get: <T>(token: symbol): T => (asked.push(token), `app ${String(token.description)}` as T) };
  const services = runServices(base, [[feed, 'run feed']]);
  t.is(services.get<string>(feed), 'run feed');
  t.is(services.get<string>(models), 'app models');
  t.deepEqual(asked, [models], 'the run binding shadows the application without asking it');
});
