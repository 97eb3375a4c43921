#!/usr/bin/env node
/**
 * npm run bench:gst — what the kindenhance element costs inside a GStreamer chain.
 *
 * The same gst-launch-1.0 chain (videotestsrc → 1280×720 → fakesink, 300 frames, as fast as it
 * goes) is timed alone and with `kindenhance` talking to `kind-pipe serve` running a passthrough
 * pipeline (source → sink, no stage), so the difference is the element's round trip: header,
 * two copies over the Unix socket, the server's frame handling. RGB and BGRx (the server converts
 * BGRx in JavaScript). Writes bench/results/gst-overhead.json.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../models/paths.js';
import { cli } from './cli-run.js';
import { secondsSince } from './quality/exec.js';

const frames = 300;
const work = mkdtempSync(join(tmpdir(), 'kind-pipe-bench-gst-'));
const env = { ...process.env, GST_PLUGIN_PATH: join(projectRoot, 'dist', 'gst'), GST_REGISTRY: join(work, 'registry.bin') };

if (spawnSync('gst-launch-1.0', ['--version']).status !== 0) {
  process.stdout.write('bench:gst: skipped — gst-launch-1.0 is missing (bash scripts/setup.sh --gstreamer)\n');
  process.exit(0);
}
execFileSync('bash', [join(projectRoot, 'gst', 'build.sh')], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });

const passthrough = join(work, 'passthrough.yaml');
writeFileSync(
  passthrough,
  [
    'version: 1',
    'name: passthrough',
    'nodes:',
    "  - { id: decode, plugin: source.y4m, options: { path: '-' } }",
    "  - { id: encode, plugin: sink.y4m, inputs: { video: decode }, options: { path: '-' } }",
    '',
  ].join('\n'),
);
const socket = join(work, 'kind.sock');
const server = spawn(process.execPath, [cli, 'serve', '--socket', socket, passthrough], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise<void>((resolve, reject) => {
  let log = '';
  server.stderr.on('data', (d) => {
    log += d;
    if (log.includes('listening on')) resolve();
  });
  server.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${log}`)));
});

/** Milliseconds per frame of one gst-launch chain, best of `runs`. */
function timeChain(format: string, element: string, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const chain = `videotestsrc num-buffers=${frames} ! video/x-raw,format=${format},width=1280,height=720,framerate=1000/1 ${element} ! fakesink sync=false`;
    execFileSync('gst-launch-1.0', ['-q', ...chain.split(' ')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    best = Math.min(best, (secondsSince(start) * 1000) / frames);
  }
  return best;
}

const rows = ['RGB', 'BGRx'].map((format) => {
  const alone = timeChain(format, '');
  const withElement = timeChain(format, `! kindenhance socket-path=${socket} timeout-ms=5000 on-error=error`);
  return { format, aloneMs: alone, withElementMs: withElement, overheadMs: withElement - alone };
});
server.kill('SIGTERM');

const lines = ['| 1280×720, 300 frames | gst alone ms/frame | with kindenhance ms/frame | round trip ms/frame |', '| --- | ---: | ---: | ---: |'];
for (const r of rows) lines.push(`| ${r.format} | ${r.aloneMs.toFixed(2)} | ${r.withElementMs.toFixed(2)} | ${r.overheadMs.toFixed(2)} |`);
process.stdout.write(lines.join('\n') + '\n(best of 3 runs each; kind-pipe serve runs a passthrough pipeline)\n');
mkdirSync(join(projectRoot, 'bench', 'results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench', 'results', 'gst-overhead.json'), JSON.stringify({ date: new Date().toISOString(), frames, rows }, null, 2) + '\n');
