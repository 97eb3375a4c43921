/**
 * Option schemas: every option a plugin takes has a type, a range or a set of allowed values, and
 * a default (or is required). The builder checks every node's options against its schema before
 * any input is opened.
 */
export type OptionSpec =
  | { type: 'number' | 'integer'; description: string; default?: number; min?: number; max?: number }
  | { type: 'string'; description: string; default?: string; enum?: readonly string[] }
  | { type: 'path'; description: string; default?: string }
  | { type: 'boolean'; description: string; default?: boolean };

export type OptionsSchema = Readonly<Record<string, OptionSpec>>;
export type OptionValue = number | string | boolean;
export type Options = Record<string, OptionValue>;

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
 * Returns the resolved options and every problem found (not just the first).
 */
export function resolveOptions(
  schema: OptionsSchema,
  raw: Readonly<Record<string, unknown>>,
): { options: Options; problems: OptionProblem[] } {
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
  return { options, problems };
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
