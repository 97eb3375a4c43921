import { KindPipeError } from '../../core/errors.js';
import { exitCodes } from '../cli/exit-codes.js';
import { generateKeys } from './signing.js';

export const keysUsage = `usage: kind-pipe keys generate [--out NAME]

Makes an Ed25519 key pair for signing provenance manifests: NAME.key (private, mode 0600: keep it
secret, pass it to kind-pipe run --sign-key) and NAME.pub (give it to whoever verifies:
kind-pipe verify OUTPUT --key NAME.pub). NAME defaults to kind-pipe-signing. Never replaces a key.`;

export function runKeysCommand(argv: string[]): number {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${keysUsage}\n`);
    return exitCodes.ok;
  }
  if (argv[0] !== 'generate') throw new KindPipeError('usage', `kind-pipe keys ${argv[0] ?? ''}: the one subcommand is 'generate'\n\n${keysUsage}`);
  let prefix = 'kind-pipe-signing';
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) prefix = argv[++i];
    else throw new KindPipeError('usage', `kind-pipe keys generate: unexpected ${argv[i]}\n\n${keysUsage}`);
  }
  const { privatePath, publicPath, keyId } = generateKeys(prefix);
  process.stdout.write(`${privatePath}\n${publicPath}\n`);
  process.stderr.write(`key id ${keyId} (sha256 of the public key): tell verifiers this id, or give them ${publicPath}\n`);
  return exitCodes.ok;
}
