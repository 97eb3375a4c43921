import test, { type ExecutionContext } from 'ava';

type Body = (t: ExecutionContext) => unknown;
export type Register = (title: string, body: Body) => void;

/**
 * How a test file registers tests that need something a machine may lack (a tool, a Debian
 * package, ../shared/data). Present: ava's test (serial when asked). Missing: the test is skipped
 * with a title that says what is missing and what installs it, or, in CI (CI set), registered as a
 * failing test with that message, since CI installs everything and a skip there hides a broken
 * set-up (#17).
 */
export function requiring(available: boolean, missing: string, fix: string, options: { serial?: boolean } = {}): Register {
  if (available) return (title, body) => (options.serial ? test.serial : test)(title, body);
  if (process.env.CI) return (title) => test(title, (t) => t.fail(`${missing}. Fix: ${fix}`));
  return (title, body) => test.skip(`${title} (skipped: ${missing}; ${fix})`, body);
}
