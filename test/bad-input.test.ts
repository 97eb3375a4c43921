import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { cli, exists, makeClip, tempDir } from './helpers.js';

const pipeline = readFileSync(join(projectRoot, 'pipelines', 'cctv-night.yaml'), 'utf8');

let clip: string;
test.before(async () => {
  clip = await makeClip(join(tempDir(), 'clip.mp4'), { width: 64, height: 48, seconds: 0.4 });
});

/** Runs cctv-night.yaml (optionally edited) and returns the result and whether output exists. */
async function runEdited(edit: (yaml: string) => string, sets: string[] = [], input?: string, bare = false) {
  const dir = tempDir();
  const file = join(dir, 'pipe.yaml');
  writeFileSync(file, edit(pipeline));
  const output = join(dir, 'out.mp4');
  const io = ['--set', `input=${input ?? clip}`, ...(bare ? [] : ['--set', `output=${output}`])]; // bare: a graph without a sink takes no output
  const result = await cli(['run', file, ...io, ...sets.flatMap((s) => ['--set', s])]);
  return { ...result, file, dir, outputExists: exists(output), leftovers: readdirSync(dir).filter((f) => f !== 'pipe.yaml') };
}

const cases: { name: string; edit?: (y: string) => string; sets?: string[]; input?: () => string; bare?: boolean; code: number; says: RegExp[] }[] = [
  { name: 'a missing input file', input: () => '/nonexistent/night.mp4', code: 3, says: [/input file \/nonexistent\/night\.mp4 does not exist/, /--set input/] },
  { name: 'a file that is not a video', input: () => { const f = join(tempDir(), 'notes.mp4'); writeFileSync(f, 'not a video'); return f; }, code: 3, says: [/notes\.mp4 is not a readable video/] },
  { name: 'an unknown plugin', edit: (y) => y.replace('plugin: kind.restore', 'plugin: kind.restor'), code: 2, says: [/pipe\.yaml:\d+:\d+: node 'restore': unknown plugin 'kind\.restor'; did you mean 'kind\.restore'\?/] },
  { name: 'an unknown option', edit: (y) => y.replace('mode: learned', 'mode: learned, compensaton: 2'), code: 2, says: [/pipe\.yaml:\d+:\d+: node 'illum' \(kind\.illumination\): unknown option 'compensaton'; did you mean 'compensation'\?/] },
  { name: 'an option out of range', sets: ['illum.ratio=50'], code: 2, says: [/--set illum\.ratio: node 'illum' \(kind\.illumination\): option 'ratio' = 50 is out of range \[0\.5, 20\]/] },
  { name: 'an option of the wrong type', edit: (y) => y.replace('crf: 20', 'crf: high'), code: 2, says: [/pipe\.yaml:\d+:\d+: node 'encode' \(sink\.file\): option 'crf' must be an integer, got "high"/] },
  { name: 'an option not in its allowed values', edit: (y) => y.replace('mode: temporal', 'mode: temporary'), code: 2, says: [/option 'mode' = 'temporary' is not allowed; did you mean 'temporal'\? Allowed: minmax \| temporal \| none/] },
  { name: 'a graph whose caps do not connect', edit: (y) => y.replace('inputs: { image: norm }', 'inputs: { image: decode }'), code: 2, says: [/node 'decom' \(kind\.decom\): input 'image' expects tensor f32\[1,3,H,W\] but gets video rgb24/] },
  { name: 'an input referring to a missing node', edit: (y) => y.replace('adjusted: illum', 'adjusted: ilum'), code: 2, says: [/input 'adjusted': no node 'ilum'; did you mean 'illum'\?/] },
  { name: 'an output path in a missing folder', sets: ['encode.path=/nonexistent-dir/out.mp4'], code: 4, says: [/output folder \/nonexistent-dir does not exist\. Fix: mkdir -p/] },
  // #17: the rest of the bad-input corpus (docs/faults.md lists every case and where it is tested).
  { name: 'an empty (0-byte) input file', input: () => made('empty.mp4', ''), code: 3, says: [/empty\.mp4 is not a readable video: .*Fix: check the file/] },
  { name: 'an input with audio but no video', input: () => made('talk.m4a', null), code: 3, says: [/talk\.m4a has no video stream \(ffprobe found audio\)\. Fix: pass a video file/] },
  { name: 'a folder given as the input video', input: () => tempDir(), code: 3, says: [/--set input: node 'decode' \(source\.file\): input .* is a folder\. Fix: give a video file/] },
  { name: 'a start past the end of the input', sets: ['decode.start=999'], code: 2, says: [/node 'decode' \(source\.file\): start 999 s is at or after the end of .*\. Fix: set start below/] },
  { name: 'an empty pipeline file', edit: () => '', code: 2, says: [/pipe\.yaml:1:1: a pipeline file is a YAML mapping with a 'nodes' list/] },
  { name: 'a binary file as the pipeline', edit: () => '\u0000\u0001\u00ff\u00fe garbage \u0007', code: 2, says: [/pipe\.yaml:\d+:\d+: /] },
  { name: 'an unsupported pipeline version', edit: (y) => y.replace('version: 1', 'version: 2'), code: 2, says: [/pipe\.yaml:\d+:\d+: version 2 is not supported\. Fix: write 'version: 1'/] },
  { name: 'an unknown top-level key', edit: (y) => y.replace('queue: 4', 'queue: 4\nqueeu: 3'), code: 2, says: [/pipe\.yaml:\d+:1: unknown key 'queeu'; did you mean 'queue'\?/] },
  { name: 'a queue size of 0', edit: (y) => y.replace('queue: 4', 'queue: 0'), code: 2, says: [/pipe\.yaml:\d+:\d+: 'queue' must be an integer in \[1, 64\]/] },
  { name: 'a node id used twice', edit: (y) => y.replace('id: norm', 'id: decom'), code: 2, says: [/pipe\.yaml:\d+:\d+: node id 'decom' is used twice\. Fix: give each node its own id/] },
  { name: 'a cycle in the graph', edit: (y) => y.replace('inputs: { video: decode }', 'inputs: { video: fuse }'), code: 2, says: [/the graph has a cycle: norm → fuse → .*Fix: a node cannot depend on its own output/] },
  { name: 'a graph without a sink', edit: (y) => y.slice(0, y.indexOf('  - id: encode')), bare: true, code: 2, says: [/the graph has no sink\. Fix: add a node with a sink plugin/] },
  { name: 'a plugins: entry whose folder does not exist', edit: (y) => y.replace('queue: 4', 'queue: 4\nplugins:\n  - { from: ./nowhere }'), code: 2, says: [/pipe\.yaml:\d+:\d+: plugin '\.\/nowhere': no package\.json found in .*nowhere\. Fix: give the plugin's folder/] },
  { name: 'a --set without =', sets: ['illum.ratio'], code: 2, says: [/--set illum\.ratio: expected KEY=VALUE/] },
  { name: 'a --set naming a node that does not exist', sets: ['ilum.ratio=2'], code: 2, says: [/--set ilum\.ratio=2: no node 'ilum'; did you mean 'illum'\?/] },
  { name: 'a --set of a top-level key', sets: ['queue=2'], code: 2, says: [/--set queue=2: 'queue' is not input, output or NODE\.OPTION\. .*cannot be set from the command line: edit the file/] },
  { name: 'an output without a video extension', sets: ['encode.path=/tmp/out.xyz'], code: 2, says: [/output \/tmp\/out\.xyz needs a video file extension\. Fix: end it in one of \.mp4/] },
  { name: 'an empty --set output=', sets: ['output='], code: 2, says: [/--set output= is empty\. Fix: give a path/] },
  { name: 'a negative option value', sets: ['decode.start=-5'], code: 2, says: [/option 'start' = -5 is out of range \[0, ∞\]\. Fix: choose a value in that range/] },
];

/** A file in a fresh folder: `text`, or (null) half a second of sine audio. */
function made(name: string, text: string | null): string {
  const file = join(tempDir(), name);
  if (text !== null) writeFileSync(file, text);
  else execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=d=0.5', file]);
  return file;
}

for (const c of cases) {
  test(`${c.name} exits non-zero, names the problem and the fix, and leaves no output`, async (t) => {
    const result = await runEdited(c.edit ?? ((y) => y), c.sets ?? [], c.input?.(), c.bare);
    t.is(result.code, c.code, result.stderr);
    for (const pattern of c.says) t.regex(result.stderr, pattern);
    t.false(result.outputExists);
    t.deepEqual(result.leftovers, []);
    t.false(/\n\s+at /.test(result.stderr), 'no stack trace for a user error');
  });
}

test('validate on a YAML with a typo exits non-zero and prints the line number', async (t) => {
  const dir = tempDir();
  const file = join(dir, 'typo.yaml');
  const lines = pipeline.split('\n');
  const line = lines.findIndex((l) => l.includes('plugin: kind.fuse')) + 1;
  writeFileSync(file, pipeline.replace('plugin: kind.fuse', 'plugn: kind.fuse'));
  const result = await cli(['validate', file]);
  t.not(result.code, 0);
  t.regex(result.stderr, new RegExp(`typo\\.yaml:${line}:\\d+: unknown node key 'plugn'; did you mean 'plugin'\\?`));
});

test('validate accepts the shipped pipelines', async (t) => {
  const night = await cli(['validate', 'pipelines/cctv-night.yaml', '--set', `input=${clip}`, '--set', `output=${join(tempDir(), 'x.mp4')}`]);
  t.is(night.code, 0, night.stderr);
  t.regex(night.stdout, /valid \(7 nodes/);
  const stills = await cli(['validate', 'pipelines/stills.yaml', '--set', `input=${tempDir()}`, '--set', `output=${join(tempDir(), 'out')}`]);
  t.is(stills.code, 0, stills.stderr);
});

test('validate on a template whose placeholder input does not exist reports it valid, lists the file as not checked and exits 0 (#21)', async (t) => {
  const result = await cli(['validate', 'pipelines/cctv-night.yaml']); // run from the repository root, where night.mp4 is absent
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^pipelines\/cctv-night\.yaml: valid \(7 nodes: decode=source\.file, /);
  t.regex(result.stdout, /not checked .*\n  pipelines\/cctv-night\.yaml:\d+:\d+: node 'decode' \(source\.file\): input file night\.mp4 does not exist/);
  const other = await cli(['validate', 'pipelines/cctv-night.yaml', '--set', 'illum.mode=ratio', '--set', 'illum.ratio=50']);
  t.is(other.code, 2, 'any other problem still fails, listing the file problem too');
  t.regex(other.stderr, /2 problems:[^]*night\.mp4 does not exist[^]*option 'ratio' = 50 is out of range/);
});

test('a YAML syntax error names file:line:column', async (t) => {
  const dir = tempDir();
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, 'version: 1\nnodes:\n  - id: a\n    plugin: [unclosed\n');
  const result = await cli(['validate', file]);
  t.is(result.code, 2);
  t.regex(result.stderr, /broken\.yaml:\d+:\d+: YAML syntax error/);
});

test('an unknown command suggests the nearest one', async (t) => {
  const result = await cli(['rnu', 'pipelines/cctv-night.yaml']);
  t.is(result.code, 2);
  t.regex(result.stderr, /unknown command 'rnu'; did you mean 'run'\?/);
});
