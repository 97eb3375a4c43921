import { KindPipeError } from '../../core/errors.js';
import { evaluate } from './evaluate.js';
import { formatJson, formatText } from './report.js';

export const evalUsage = `kind-pipe eval — score enhanced images

usage:
  kind-pipe eval --pred DIR --gt DIR [--json]   PSNR, SSIM, LOE against ground truth of the same names
  kind-pipe eval --pred DIR [--json]            no reference: mean luma, noise σ, colourfulness

Images are matched by name without extension (enhanced/kodim01.png ↔ gt/kodim01.jpg).`;

interface EvalArgs {
  pred?: string;
  gt?: string;
  json: boolean;
  help: boolean;
}

function parseEvalArgs(argv: string[]): EvalArgs {
  const args: EvalArgs = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new KindPipeError('usage', `${arg} needs a folder, e.g. ${arg} enhanced/`);
      return v;
    };
    if (arg === '--pred' || arg.startsWith('--pred=')) args.pred = value();
    else if (arg === '--gt' || arg.startsWith('--gt=')) args.gt = value();
    else if (arg === '--json') args.json = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else throw new KindPipeError('usage', `kind-pipe eval: unexpected argument '${arg}'\n\n${evalUsage}`);
  }
  return args;
}

/**
 * `kind-pipe eval`: parses `--pred DIR [--gt DIR] [--json]` (argv without the word `eval`),
 * prints the report to stdout and resolves to exit code 0. A wrong command line throws
 * KindPipeError 'usage', a bad folder or image 'input', for the CLI's handler to map to exit codes
 * 2 and 3.
 *
 * ```ts
 * process.exitCode = await runEvalCommand(['--pred', 'enhanced/', '--gt', 'pairs/gt/']);
 * ```
 */
export async function runEvalCommand(argv: string[]): Promise<number> {
  const args = parseEvalArgs(argv);
  if (args.help) {
    process.stdout.write(evalUsage + '\n');
    return 0;
  }
  if (!args.pred) throw new KindPipeError('usage', `kind-pipe eval needs --pred DIR\n\n${evalUsage}`);
  const report = await evaluate({ pred: args.pred, gt: args.gt });
  process.stdout.write((args.json ? formatJson(report) : formatText(report)) + '\n');
  return 0;
}
