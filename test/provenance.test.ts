import test from 'ava';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { cli, copyPipeline, exists, makeClip, tempDir } from './helpers.js';

// Issue #17, provenance: every video output gets a manifest; `kind-pipe verify` proves it untouched
// (hashes, Ed25519 signature, hash chain over the decoded frames) and `--rerun` reproduces it.

const cctvNight = join(projectRoot, 'pipelines', 'cctv-night.yaml'); // the full KinD chain
const clip = (async () => makeClip(join(tempDir(), 'night.mp4'), { width: 96, height: 64, seconds: 0.4 }))(); // 10 frames

interface Signed {
  dir: string;
  output: string;
  manifest: string;
  key: string;
  pub: string;
}

/** A signed KinD run over the clip, made once; each test tampers with its own copy. */
const signed = (async (): Promise<Signed> => {
  const dir = tempDir();
  const keys = await cli(['keys', 'generate', '--out', join(dir, 'lab')]);
  if (keys.code !== 0) throw new Error(keys.stderr);
  const output = join(dir, 'enhanced.mp4');
  const run = await cli(['run', cctvNight, '--set', `input=${await clip}`, '--set', `output=${output}`, '--sign-key', join(dir, 'lab.key')]);
  if (run.code !== 0) throw new Error(run.stderr);
  return { dir, output, manifest: `${output}.provenance.json`, key: join(dir, 'lab.key'), pub: join(dir, 'lab.pub') };
})();

/** A copy of the signed output and its manifest in a fresh folder. */
async function copyOfSigned(): Promise<Signed> {
  const s = await signed;
  const dir = tempDir();
  const output = join(dir, 'enhanced.mp4');
  writeFileSync(output, readFileSync(s.output));
  writeFileSync(`${output}.provenance.json`, readFileSync(s.manifest));
  return { ...s, dir, output, manifest: `${output}.provenance.json` };
}

test('a signed run writes a manifest that records the input, output, pipeline, models, runtime and encoder (#17)', async (t) => {
  const s = await signed;
  const m = JSON.parse(readFileSync(s.manifest, 'utf8'));
  t.is(m.format, 'kind-pipe-provenance/1');
  t.regex(m.inputs[0].sha256, /^[0-9a-f]{64}$/);
  t.is(m.output.frameChain.frames, 10);
  t.deepEqual(m.pipeline.canonical.nodes.map((n: { id: string }) => n.id), ['decode', 'norm', 'decom', 'restore', 'illum', 'fuse', 'encode']);
  t.true(m.models.some((x: { node: string; role: string; sha256: string }) => x.node === 'restore' && x.role === 'restore' && /^[0-9a-f]{64}$/.test(x.sha256)));
  t.regex(m.runtime.onnxruntime, /^\d+\.\d+/);
  t.regex(m.encode.ffmpeg, /^ffmpeg version/);
  t.true(m.encode.command.includes('-crf') && m.encode.command.includes('-threads'));
  t.is(m.signature.algorithm, 'ed25519');
  t.is(statSync(s.key).mode & 0o777, 0o600);
});

test('verify accepts an untouched signed output, with --deep and the signer\'s key (#17)', async (t) => {
  const s = await copyOfSigned();
  const result = await cli(['verify', s.output, '--deep', '--key', s.pub]);
  t.is(result.code, 0, result.stdout + result.stderr);
  t.regex(result.stdout, /ok {4}signature: Ed25519/);
  t.regex(result.stdout, /ok {4}frames: 10 decoded frames match the recorded hash chain/);
  t.regex(result.stdout, /verified\n$/);
});

test('verify rejects an output with one byte flipped (#17)', async (t) => {
  const s = await copyOfSigned();
  const bytes = readFileSync(s.output);
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  writeFileSync(s.output, bytes);
  const result = await cli(['verify', s.output]);
  t.is(result.code, 1, result.stdout);
  t.regex(result.stdout, /FAIL {2}output: sha256 .* was changed after the run/);
});

test('verify rejects a manifest with one byte changed: the signature no longer holds (#17)', async (t) => {
  const s = await copyOfSigned();
  const text = readFileSync(s.manifest, 'utf8');
  t.true(text.includes('"crf": 20'));
  writeFileSync(s.manifest, text.replace('"crf": 20', '"crf": 28')); // someone claims another setting
  const result = await cli(['verify', s.output]);
  t.is(result.code, 1, result.stdout);
  t.regex(result.stdout, /FAIL {2}signature: does not match the manifest/);
});

test('verify rejects a signature with one character changed, and a signature by another key (#17)', async (t) => {
  const s = await copyOfSigned();
  const m = JSON.parse(readFileSync(s.manifest, 'utf8'));
  const value: string = m.signature.value;
  m.signature.value = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
  writeFileSync(s.manifest, JSON.stringify(m, null, 2));
  const flipped = await cli(['verify', s.output]);
  t.is(flipped.code, 1, flipped.stdout);
  t.regex(flipped.stdout, /FAIL {2}signature: does not match/);

  const other = await cli(['keys', 'generate', '--out', join(s.dir, 'other')]);
  t.is(other.code, 0, other.stderr);
  const fresh = await copyOfSigned();
  const wrongKey = await cli(['verify', fresh.output, '--key', join(s.dir, 'other.pub')]);
  t.is(wrongKey.code, 1, wrongKey.stdout);
  t.regex(wrongKey.stdout, /FAIL {2}signer: key .*, not the key in .*other\.pub/);
});

test('verify --rerun runs the recorded KinD pipeline again and its decoded frames are bit-identical (#17)', async (t) => {
  const s = await copyOfSigned();
  const result = await cli(['verify', s.output, '--rerun', await clip]);
  t.is(result.code, 0, result.stdout + result.stderr);
  t.regex(result.stdout, /ok {4}rerun: all 10 decoded frames bit-identical/);
});

test('verify --rerun on another file says it is not the input and that the frames differ (#17)', async (t) => {
  const s = await copyOfSigned();
  const other = await makeClip(join(s.dir, 'other.mp4'), { width: 96, height: 64, seconds: 0.4, brightness: -0.2 });
  const result = await cli(['verify', s.output, '--rerun', other]);
  t.is(result.code, 1, result.stdout);
  t.regex(result.stdout, /FAIL {2}input decode: .*other\.mp4 has sha256 .* not the same file/);
  t.regex(result.stdout, /FAIL {2}rerun: 10 frames against 10, \d+ differ \(first: frame 0\)/);
});

test('a bad --sign-key fails before any work; keys generate never replaces a key (#17)', async (t) => {
  const dir = tempDir();
  const output = join(dir, 'out.mp4');
  const missing = await cli(['run', cctvNight, '--set', `input=${await clip}`, '--set', `output=${output}`, '--sign-key', join(dir, 'nope.key')]);
  t.is(missing.code, 3, missing.stderr);
  t.regex(missing.stderr, /--sign-key .*nope\.key: no such file\. Fix: kind-pipe keys generate/);
  writeFileSync(join(dir, 'junk.key'), 'not a key');
  const junk = await cli(['run', cctvNight, '--set', `input=${await clip}`, '--set', `output=${output}`, '--sign-key', join(dir, 'junk.key')]);
  t.is(junk.code, 2, junk.stderr);
  t.false(exists(output));
  t.is((await cli(['keys', 'generate', '--out', join(dir, 'k')])).code, 0);
  const before = readFileSync(join(dir, 'k.key'), 'utf8');
  const again = await cli(['keys', 'generate', '--out', join(dir, 'k')]);
  t.is(again.code, 4);
  t.regex(again.stderr, /k\.key exists; kind-pipe never replaces a key/);
  t.is(readFileSync(join(dir, 'k.key'), 'utf8'), before);
});

test('an unsigned manifest verifies its hashes and says it is unsigned; --no-manifest writes none; a junk manifest fails cleanly (#17)', async (t) => {
  const dir = tempDir();
  const output = join(dir, 'out.mp4');
  const copy = copyPipeline(dir);
  t.is((await cli(['run', copy, '--set', `input=${await clip}`, '--set', `output=${output}`])).code, 0);
  const unsigned = await cli(['verify', output]);
  t.is(unsigned.code, 0, unsigned.stdout);
  t.regex(unsigned.stdout, /skip {2}signature: none/);
  const second = join(dir, 'second.mp4');
  t.is((await cli(['run', copy, '--set', `input=${await clip}`, '--set', `output=${second}`, '--no-manifest'])).code, 0);
  t.false(exists(`${second}.provenance.json`));
  writeFileSync(`${output}.provenance.json`, '{"format": "something else"');
  const junk = await cli(['verify', output]);
  t.is(junk.code, 1);
  t.regex(junk.stdout, /FAIL {2}manifest .*: unreadable/);
  t.false(junk.stderr.includes('    at '), junk.stderr);
});
