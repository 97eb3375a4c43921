import { KindPipeError } from '../../core/errors.js';
import type { LogFormat } from './reporter.js';

/** What filter, serve and export share on their command lines. */
export interface CommandArgs {
  file: string;
  sets: string[];
  log: LogFormat;
  help: boolean;
  /** Values of the command's own flags, e.g. { '--socket': '/tmp/kind.sock' }. */
  values: Record<string, string>;
}

export interface CommandSpec {
  command: string;
  usage: string;
  /** Flags that take a value, besides --set and --log. */
  flags?: readonly string[];
  /** Flags that take no value; present ones read 'true' in `values`. */
  switches?: readonly string[];
  /** Whether --log text|json is accepted. */
  log?: boolean;
  /** Why `--set input=…`/`output=…` make no sense for this command; undefined allows them. */
  noInputOutput?: string;
}

/**
 * Parses `FILE [--set K=V]... [--log text|json] [--FLAG VALUE]... [--help]` for one command:
 * `--flag value` and `--flag=value` alike, every error a usage error that ends with the usage text.
 */
export function parseCommandArgs(argv: readonly string[], spec: CommandSpec): CommandArgs {
  const args: CommandArgs = { file: '', sets: [], log: 'text', help: false, values: {} };
  const usageError = (message: string) => new KindPipeError('usage', `${message}\n\n${spec.usage}`);
  const flagOf = (arg: string) => (arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = flagOf(arg);
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw usageError(`${arg} needs a value`);
      return v;
    };
    if (flag === '--set') {
      const set = value();
      if (spec.noInputOutput && /^(input|output)=/.test(set)) {
        throw new KindPipeError('usage', `--set ${set}: kind-pipe ${spec.command} ${spec.noInputOutput}`);
      }
      args.sets.push(set);
    } else if (flag === '--log' && spec.log) {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new KindPipeError('usage', `--log ${format}: use --log text or --log json`);
      args.log = format;
    } else if (spec.flags?.includes(flag)) args.values[flag] = value();
    else if (spec.switches?.includes(arg)) args.values[arg] = 'true';
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg.startsWith('-')) throw usageError(`unknown flag ${arg}`);
    else if (!args.file) args.file = arg;
    else throw usageError(`kind-pipe ${spec.command} takes one pipeline file, got '${args.file}' and '${arg}'`);
  }
  return args;
}
