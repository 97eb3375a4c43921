import test from 'ava';
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
async function runEdited(edit: (yaml: string) => string, sets: string[] = [], input?: string) {
  const dir = tempDir();
  const file = join(dir, 'pipe.yaml');
  writeFileSync(file, edit(pipeline));
  const output = join(dir, 'out.mp4');
  const result = await cli(['run', file, '--set', `input=${input ?? clip}`, '--set', `output=${output}`, ...sets.flatMap((s) => ['--set', s])]);
  return { ...result, file, dir, outputExists: exists(output), leftovers: readdirSync(dir).filter((f) => f !== 'pipe.yaml') };
}

const cases: { name: string; edit?: (y: string) => string; sets?: string[]; input?: () => string; code: number; says: RegExp[] }[] = [
  { name: 'a missing input file', input: () => '/nonexistent/night.mp4', code: 2, says: [/input file \/nonexistent\/night\.mp4 does not exist/, /--set input/] },
  { name: 'a file that is not a video', input: () => { const f = join(tempDir(), 'notes.mp4'); writeFileSync(f, 'not a video'); return f; }, code: 3, says: [/notes\.mp4 is not a readable video/] },
  { name: 'an unknown plugin', edit: (y) => y.replace('plugin: kind.restore', 'plugin: kind.restor'), code: 2, says: [/pipe\.yaml:\d+:\d+: node 'restore': unknown plugin 'kind\.restor'; did you mean 'kind\.restore'\?/] },
  { name: 'an unknown option', edit: (y) => y.replace('mode: learned', 'mode: learned, compensaton: 2'), code: 2, says: [/pipe\.yaml:\d+:\d+: node 'illum' \(kind\.illumination\): unknown option 'compensaton'; did you mean 'compensation'\?/] },
  { name: 'an option out of range', sets: ['illum.ratio=50'], code: 2, says: [/--set illum\.ratio: node 'illum' \(kind\.illumination\): option 'ratio' = 50 is out of range \[0\.5, 20\]/] },
  { name: 'an option of the wrong type', edit: (y) => y.replace('crf: 20', 'crf: high'), code: 2, says: [/pipe\.yaml:\d+:\d+: node 'encode' \(sink\.file\): option 'crf' must be an integer, got "high"/] },
  { name: 'an option not in its allowed values', edit: (y) => y.replace('mode: temporal', 'mode: temporary'), code: 2, says: [/option 'mode' = 'temporary' is not allowed; did you mean 'temporal'\? Allowed: minmax \| temporal \| none/] },
  { name: 'a graph whose caps do not connect', edit: (y) => y.replace('inputs: { image: norm }', 'inputs: { image: decode }'), code: 2, says: [/node 'decom' \(kind\.decom\): input 'image' expects tensor f32\[1,3,H,W\] but gets video rgb24/] },
  { name: 'an input referring to a missing node', edit: (y) => y.replace('adjusted: illum', 'adjusted: ilum'), code: 2, says: [/input 'adjusted': no node 'ilum'; did you mean 'illum'\?/] },
  { name: 'an output path in a missing folder', sets: ['encode.path=/nonexistent-dir/out.mp4'], code: 2, says: [/output folder \/nonexistent-dir does not exist\. Fix: mkdir -p/] },
];

for (const c of cases) {
  test(`${c.name} exits non-zero, names the problem and the fix, and leaves no output`, async (t) => {
    const result = await runEdited(c.edit ?? ((y) => y), c.sets ?? [], c.input?.());
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
