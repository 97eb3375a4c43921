/**
 * Option schemas: every option a plugin takes has a type, a range or a set of allowed values, and
 * a default (or is required). The builder checks every node's options against its schema before
 * any input is opened.
 */
export type OptionSpec = (
  | { type: 'number' | 'integer'; description: string; default?: number; min?: number; max?: number }
  | { type: 'string'; description: string; default?: string; enum?: readonly string[] }
  | { type: 'path'; description: string; default?: string }
  | { type: 'boolean'; description: string; default?: boolean }
) & {
  /**
   * The values of the plugin's mode option this option applies to, e.g. `{ mode: ['auto'] }`: the
   * builder refuses it set for another mode (its default is filled in all the same, unused), and
   * `OptionsOf` types it only in those members of the union. One mode option per plugin.
   */
  when?: Readonly<Record<string, readonly (string | boolean)[]>>;
};

export type OptionsSchema = Readonly<Record<string, OptionSpec>>;
export type OptionValue = number | string | boolean;
export type Options = Record<string, OptionValue>;

/** The value an option resolves to: resolveOptions has converted `--set` strings already. */
type ValueOf<P> = P extends { type: 'number' | 'integer' }
  ? number
  : P extends { type: 'boolean' }
    ? boolean
    : P extends { enum: readonly (infer E)[] }
      ? E
      : string;

/** The mode option: the one that other options' `when` names. */
type ModeOf<S> = { [K in keyof S]: S[K] extends { when: infer W } ? keyof W : never }[keyof S];

/** Whether option spec `P` applies when mode option `M` has value `V`. */
type AppliesAt<P, M, V> = P extends { when: infer W } ? (M extends keyof W ? (W[M] extends readonly (infer A)[] ? (V extends A ? true : false) : true) : true) : true;

type Expand<T> = { -readonly [K in keyof T]: T[K] };

type FlatOptions<S> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** One member per value of mode option `M`, holding `M` as that literal and the options that apply to it. */
type TaggedOptions<S, M extends keyof S, V = ValueOf<S[M]>> = V extends unknown
  ? Expand<{ [K in keyof S as AppliesAt<S[K], M, V> extends true ? K : never]: K extends M ? V : ValueOf<S[K]> }>
  : never;

/**
 * The resolved options of a plugin whose schema is `S`, as its code sees them: a number option is
 * a number, an enum its literal union; with a mode option, a union tagged by the mode, so
 * `if (o.mode === 'ratio') o.ratio` type-checks and `o.target` there does not. A schema typed only
 * as `OptionsSchema` (an external plugin's) gives plain `Options`.
 *
 * @example
 * const schema = { mode: { type: 'string', enum: ['a', 'b'], default: 'a', description: '' },
 *                  gain: { type: 'number', default: 1, when: { mode: ['b'] }, description: '' } } as const;
 * type O = OptionsOf<typeof schema>; // { mode: 'a' } | { mode: 'b'; gain: number }
 */
export type OptionsOf<S extends OptionsSchema> = string extends keyof S
  ? Options
  : [ModeOf<S>] extends [never]
    ? FlatOptions<S>
    : TaggedOptions<S, ModeOf<S> & keyof S>;

/** A problem with one option; the loader turns it into a message with file:line:column. */
export interface OptionProblem {
  option: string;
  message: string;
  /**
   * A missing or unreadable input file, or an output that cannot be written: the run exits 3 or 4
   * (the documented codes) when every problem found is of that one kind; otherwise 2.
   */
  kind?: 'input' | 'output';
}

export function describeSpec(spec: OptionSpec): string {
  const parts: string[] = [spec.type];
  if ((spec.type === 'number' || spec.type === 'integer') && (spec.min !== undefined || spec.max !== undefined)) {
    parts.push(`in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`);
  }
  if (spec.type === 'string' && spec.enum) parts.push(`one of ${spec.enum.join(' | ')}`);
  parts.push(spec.default === undefined ? 'required' : `default ${JSON.stringify(spec.default)}`);
  return parts.join(', ');
}

/**
 * Checks raw values (from YAML, or strings from `--set`) against the schema and fills defaults.
 * Returns the resolved options and every problem found (not just the first). Values come out
 * converted (a `--set` '4' is the number 4, 'true' the boolean), so with no problems they are
 * `OptionsOf<S>` and plugins use them as they are; with problems, some are missing.
 */
export function resolveOptions<S extends OptionsSchema>(
  schema: S,
  raw: Readonly<Record<string, unknown>>,
): { options: OptionsOf<S>; problems: OptionProblem[] } {
  const options: Options = {};
  const problems: OptionProblem[] = [];
  for (const name of Object.keys(raw)) {
    if (!(name in schema)) {
      const allowed = Object.keys(schema);
      const guess = closest(name, allowed);
      problems.push({
        option: name,
        message:
          `unknown option '${name}'` +
          (guess ? `; did you mean '${guess}'?` : '') +
          ` Allowed: ${allowed.length ? allowed.join(', ') : '(none)'}`,
      });
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const value = raw[name];
    if (value === undefined || value === null) {
      if (spec.default === undefined) {
        problems.push({ option: name, message: `option '${name}' is required (${spec.description})` });
      } else {
        options[name] = spec.default;
      }
      continue;
    }
    const checked = checkValue(name, spec, value);
    if (typeof checked === 'string') problems.push({ option: name, message: checked });
    else options[name] = checked.value;
  }
  return { options: options as OptionsOf<S>, problems };
}

/**
 * Options set (in `raw`) for a mode they do not apply to, by their `when`; defaults are not set and
 * never count. `fromFile(option)` tells a value written in the pipeline file from one `--set` gave:
 * when the mode itself came from `--set`, the file's options were written for the file's own mode,
 * and switching modes for one run must not mean editing the file, so only `--set` ones count then.
 */
export function inapplicableOptions(
  schema: OptionsSchema,
  raw: Readonly<Record<string, unknown>>,
  resolved: Readonly<Options>,
  fromFile: (option: string) => boolean,
): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const name of Object.keys(raw)) {
    const when = schema[name]?.when;
    if (!when || raw[name] === undefined || raw[name] === null) continue;
    for (const [mode, values] of Object.entries(when)) {
      const actual = resolved[mode];
      if (actual === undefined || (values as readonly OptionValue[]).includes(actual)) continue;
      if (fromFile(name) && raw[mode] !== undefined && !fromFile(mode)) continue;
      const has = `${mode}: ${actual}${raw[mode] === undefined ? ' (the default)' : ''}`;
      problems.push({
        option: name,
        message: `option '${name}' applies to ${mode}: ${values.join(' or ')}; this node has ${has}. Fix: remove it or set ${mode}: ${values[0]}`,
      });
    }
  }
  return problems;
}

function checkValue(name: string, spec: OptionSpec, value: unknown): { value: OptionValue } | string {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) {
        return `option '${name}' must be ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}. Fix: write one (${describeSpec(spec)})`;
      }
      if (spec.type === 'integer' && !Number.isInteger(number)) {
        return `option '${name}' must be an integer, got ${number}. Fix: write a whole number (${describeSpec(spec)})`;
      }
      if ((spec.min !== undefined && number < spec.min) || (spec.max !== undefined && number > spec.max)) {
        return `option '${name}' = ${number} is out of range [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]. Fix: choose a value in that range`;
      }
      return { value: number };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return `option '${name}' must be true or false, got ${JSON.stringify(value)}`;
    }
    case 'string':
    case 'path': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        return `option '${name}' must be a ${spec.type}, got ${JSON.stringify(value)}`;
      }
      const text = String(value);
      if (spec.type === 'string' && spec.enum && !spec.enum.includes(text)) {
        const guess = closest(text, spec.enum);
        return (
          `option '${name}' = '${text}' is not allowed` +
          (guess ? `; did you mean '${guess}'?` : '') +
          ` Allowed: ${spec.enum.join(' | ')}`
        );
      }
      return { value: text };
    }
  }
}

/** The allowed word nearest to `word`, if it is near enough to be a typo. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = saved;
    }
  }
  return row[b.length];
}
