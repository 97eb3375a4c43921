import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, makeClip, tempDir } from './helpers.js';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} mid-run stops cleanly with exit 130 and leaves no output, not even a partial file`, async (t) => {
    const dir = tempDir();
    const input = await makeClip(join(dir, 'long.mp4'), { width: 160, height: 96, seconds: 20 });
    const output = join(dir, 'out.mp4');
    let sent = false;
    const result = await cli(['run', 'pipelines/cctv-night.yaml', '--set', `input=${input}`, '--set', `output=${output}`], {
      onStderr: (text, kill) => {
        if (!sent && /\d+\/500 frames/.test(text)) {
          sent = true;
          kill(signal);
        }
      },
    });
    t.true(sent, 'progress was reported before the signal');
    t.is(result.code, 130, result.stderr);
    t.regex(result.stderr, new RegExp(`${signal}: stopping`));
    t.deepEqual(readdirSync(dir), ['long.mp4']);
  });
}
