import type { Services } from './stage/plugin.js';

/**
 * The services one run's plugins get: the application's, with values that exist only while that
 * run goes (its progress feed) bound over them. A run receives `Services`, not the container, and
 * must not bind into the application's, so its own values sit in front instead.
 *
 * ```ts
 * const services = runServices(appServices, [[ProgressFeed, createProgressFeed()]]);
 * services.get<ProgressFeed>(ProgressFeed); // this run's feed
 * ```
 */
export function runServices(base: Services, bindings: Iterable<readonly [symbol, unknown]>): Services {
  const own = new Map(bindings);
  return { get: <T>(token: symbol): T => (own.has(token) ? (own.get(token) as T) : base.get<T>(token)) };
}
