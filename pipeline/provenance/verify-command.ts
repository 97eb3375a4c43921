import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KindPipeError } from '../../core/errors.js';
import { ffmpegVersion } from '../../core/media/tool.js';
import { hashFile } from '../../core/util/hash.js';
import { exitCodes } from '../cli/exit-codes.js';
import { canonicalJson } from './canonical-json.js';
import { chainOf, frameHashes } from './frame-chain.js';
import { distributedFormat } from '../queue/manifest.js';
import { manifestFormat, manifestPathOf, type CanonicalPipeline, type RunManifest } from './run-manifest.js';
import { keyIdOf, loadPublicKey, signatureHolds } from './signing.js';

export const verifyUsage = `usage: kind-pipe verify OUTPUT [--manifest FILE] [--key SIGNER.pub] [--deep] [--rerun ORIGINAL]

Checks OUTPUT against its provenance manifest (default OUTPUT.provenance.json): the manifest's
signature, the output's sha256, the input's sha256 where it still is.
  --key PUB        require the signature to be by this key (kind-pipe keys generate made it)
  --deep           also decode OUTPUT and check the hash chain over its frames
  --rerun ORIGINAL run the recorded pipeline again on ORIGINAL and show that the decoded frames are
                   bit-identical to OUTPUT's
exit codes: 0 every check passed · 1 a check failed · 2 bad command line · 3 OUTPUT or manifest missing`;

interface VerifyArgs {
  output?: string;
  manifest?: string;
  key?: string;
  deep: boolean;
  rerun?: string;
  help: boolean;
}

function parseVerifyArgs(argv: string[]): VerifyArgs {
  const args: VerifyArgs = { deep: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new KindPipeError('usage', `${arg} needs a value\n\n${verifyUsage}`);
      return v;
    };
    if (arg === '--manifest') args.manifest = value();
    else if (arg === '--key') args.key = value();
    else if (arg === '--rerun') args.rerun = value();
    else if (arg === '--deep') args.deep = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg.startsWith('-')) throw new KindPipeError('usage', `unknown flag ${arg}\n\n${verifyUsage}`);
    else if (args.output === undefined) args.output = arg;
    else throw new KindPipeError('usage', `one OUTPUT at a time (got ${args.output} and ${arg})`);
  }
  return args;
}

/** One line of the report: a check and what it found. */
interface Check {
  ok: boolean | undefined; // undefined: not checked, and why
  what: string;
}

/**
 * `kind-pipe verify OUTPUT`: prints one line per check (ok / FAIL / skip) on stdout and exits 1
 * if any failed. A manifest that cannot be read at all is a failure, not a crash.
 */
export async function runVerifyCommand(argv: string[]): Promise<number> {
  const args = parseVerifyArgs(argv);
  if (args.help) {
    process.stdout.write(`${verifyUsage}\n`);
    return exitCodes.ok;
  }
  if (!args.output) throw new KindPipeError('usage', `kind-pipe verify needs the output to check\n\n${verifyUsage}`);
  const output = args.output;
  const manifestFile = args.manifest ?? manifestPathOf(output);
  if (!existsSync(output)) throw new KindPipeError('input', `${output} does not exist. Fix: give the enhanced file, e.g. kind-pipe verify night-enhanced.mp4`);
  if (!existsSync(manifestFile)) throw new KindPipeError('input', `${manifestFile} does not exist: ${output} has no provenance manifest beside it. Fix: give it with --manifest FILE (kind-pipe run writes OUTPUT.provenance.json)`);

  const checks: Check[] = [];
  const report = (check: Check) => {
    checks.push(check);
    process.stdout.write(`${check.ok === true ? 'ok  ' : check.ok === false ? 'FAIL' : 'skip'}  ${check.what}\n`);
  };
  let manifest: RunManifest;
  try {
    const parsed = JSON.parse(readFileSync(manifestFile, 'utf8')) as { format?: string } | null;
    manifest = (parsed?.format === distributedFormat ? asRunManifest(parsed as DistributedManifest) : parsed) as RunManifest;
    if (manifest?.format !== manifestFormat || typeof manifest.output?.sha256 !== 'string') throw new Error(`not a ${manifestFormat} or ${distributedFormat} manifest`);
  } catch (error) {
    report({ ok: false, what: `manifest ${manifestFile}: unreadable (${(error as Error).message})` });
    return exitCodes.failed;
  }

  const { signature, ...signed } = manifest;
  if (signature) {
    const holds = signatureHolds(canonicalJson(signed), signature);
    report({ ok: holds, what: holds ? `signature: Ed25519 by key ${signature.keyId.slice(0, 16)}…, over the whole manifest` : 'signature: does not match the manifest (the manifest or the signature was changed after signing)' });
    if (args.key) {
      const wanted = keyIdOf(loadPublicKey(args.key));
      report({ ok: wanted === signature.keyId, what: wanted === signature.keyId ? `signer: the key in ${args.key}` : `signer: key ${signature.keyId.slice(0, 16)}…, not the key in ${args.key} (${wanted.slice(0, 16)}…)` });
    }
  } else {
    report({ ok: args.key ? false : undefined, what: `signature: none (run with --sign-key to sign): the manifest itself is not protected${args.key ? `, and --key ${args.key} asks for one` : ''}` });
  }

  const actual = await hashFile(output);
  report({ ok: actual === manifest.output.sha256, what: actual === manifest.output.sha256 ? `output: sha256 ${actual.slice(0, 16)}… as recorded` : `output: sha256 ${actual.slice(0, 16)}…, the manifest records ${manifest.output.sha256.slice(0, 16)}…: ${output} was changed after the run` });

  for (const input of manifest.inputs ?? []) {
    if (!input.sha256) continue;
    const candidate = args.rerun && manifest.inputs.length === 1 ? args.rerun : input.path;
    if (!existsSync(candidate)) {
      report({ ok: undefined, what: `input ${input.node}: not at ${input.path} to check (give --rerun ORIGINAL)` });
      continue;
    }
    const hash = await hashFile(candidate);
    report({ ok: hash === input.sha256, what: hash === input.sha256 ? `input ${input.node}: ${candidate} is the input the output was made from` : `input ${input.node}: ${candidate} has sha256 ${hash.slice(0, 16)}…, the run read ${input.sha256.slice(0, 16)}…: not the same file` });
  }

  let hashes: string[] | undefined;
  if (args.deep || args.rerun) {
    hashes = await frameHashes(output);
    const chain = chainOf(hashes);
    const recorded = manifest.output.frameChain;
    const same = chain.head === recorded?.head && chain.frames === recorded.frames;
    report({ ok: same, what: same ? `frames: ${chain.frames} decoded frames match the recorded hash chain` : `frames: the decoded frames (${chain.frames}) do not match the recorded chain (${recorded?.frames ?? '?'} frames)` });
  }

  if (args.rerun) report(await rerun(manifest, args.rerun, output, hashes!));
  const failed = checks.filter((c) => c.ok === false).length;
  process.stdout.write(failed === 0 ? `${output}: verified\n` : `${output}: ${failed} check${failed === 1 ? '' : 's'} failed\n`);
  return failed === 0 ? exitCodes.ok : exitCodes.failed;
}

/**
 * Runs the recorded pipeline again on `original` into a temp folder, with what 'auto' resolved to
 * pinned (Sink.provenance), and compares its decoded frames with the output's, one by one.
 */
async function rerun(manifest: RunManifest, original: string, output: string, outputHashes: string[]): Promise<Check> {
  if (!manifest.pipeline.canonical) return { ok: undefined, what: 'rerun: a distributed run (kind-pipe submit) records its pipeline file, not the resolved graph; run it again with kind-pipe run and compare with --deep' };
  if (manifest.inputs.length !== 1 || !manifest.inputs[0].sha256) {
    return { ok: undefined, what: `rerun: the run read ${manifest.inputs.length === 1 ? 'a stream' : `${manifest.inputs.length} inputs`}; only a run over one input file can be re-run` };
  }
  const folder = mkdtempSync(join(tmpdir(), 'kind-pipe-rerun-'));
  try {
    const pipeline = manifest.pipeline.canonical;
    // Only the output under test is written again: other sinks (a preview, a second file) are left out.
    const nodes = pipeline.nodes.filter((n) => n.id === manifest.output.node || !isSinkOnly(n.id, pipeline));
    const file = join(folder, 'pipeline.yaml');
    writeFileSync(file, JSON.stringify({ ...pipeline, nodes }, null, 2)); // JSON is YAML
    const again = join(folder, `rerun${extname(output)}`);
    const input = manifest.inputs[0];
    const sets = [`${input.node}.${input.option}=${original}`, `${manifest.output.node}.${manifest.output.option}=${again}`];
    for (const [name, value] of Object.entries(manifest.encode.pins ?? {})) sets.push(`${manifest.output.node}.${name}=${value}`);
    process.stderr.write(`rerun: kind-pipe run (recorded pipeline) on ${original}\n`);
    const code = await runChild(['run', file, ...sets.flatMap((s) => ['--set', s]), '--no-manifest']);
    if (code !== 0) return { ok: false, what: `rerun: the recorded pipeline failed on ${original} (exit ${code}; its messages are above)` };
    const hashes = await frameHashes(again);
    const differing = hashes.map((h, i) => (h === outputHashes[i] ? -1 : i)).filter((i) => i >= 0);
    if (hashes.length === outputHashes.length && differing.length === 0) {
      return { ok: true, what: `rerun: all ${hashes.length} decoded frames bit-identical to ${output}` };
    }
    const note = manifest.encode.ffmpeg !== ffmpegVersion() ? `; note: ffmpeg (${manifest.encode.ffmpeg} then, ${ffmpegVersion()} now)` : '';
    return { ok: false, what: `rerun: ${hashes.length} frames against ${outputHashes.length}, ${differing.length} differ${differing.length ? ` (first: frame ${differing[0]})` : ''}${note}` };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The manifest `kind-pipe worker` writes when it joins the segments of a submitted file. */
interface DistributedManifest {
  format: typeof distributedFormat;
  input: { path: string; sha256: string };
  output: RunManifest['output'];
  pipeline: { path: string; sha256: string; sets: string[] };
}

/** A distributed manifest as the checks above read one: one input, no canonical graph, never signed. */
function asRunManifest(m: DistributedManifest): RunManifest {
  return {
    ...(m as unknown as RunManifest),
    format: manifestFormat,
    inputs: [{ node: 'input', option: 'path', path: m.input.path, sha256: m.input.sha256 }],
    pipeline: { file: m.pipeline.path, sha256: m.pipeline.sha256, sets: m.pipeline.sets, },
  };
}

/** A sink node: nothing reads from it. */
function isSinkOnly(id: string, pipeline: CanonicalPipeline): boolean {
  const node = pipeline.nodes.find((n) => n.id === id)!;
  return node.plugin.startsWith('sink.') && !pipeline.nodes.some((n) => Object.values(n.inputs ?? {}).some((from) => from.split('.')[0] === id));
}

function runChild(args: string[]): Promise<number> {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
