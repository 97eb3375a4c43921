/**
 * sink.images — writes each frame as a PNG into a folder, named after the source image
 * (`meta.name`) or `frame-000001.png`. Each file is written under a temp name and renamed, so a
 * stopped run leaves only complete images.
 *
 * ```yaml
 * - id: save
 *   plugin: sink.images
 *   inputs: { video: fuse }
 *   options: { path: enhanced/ }
 * ```
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { asBytes } from '../../core/frame.js';
import { encodePng } from '../../core/media/still.js';
import { defineSink } from '../../core/stage/plugin.js';

export const sinkImages = defineSink({
  role: 'sink',
  id: 'sink.images',
  description: 'Write frames as PNG files into a folder',
  options: {
    path: { type: 'path', description: 'output folder (created if its parent exists)' },
    suffix: { type: 'string', description: 'added to each file name before .png', default: '' },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: 'frames to save' }],
  example: 'plugin: sink.images\ninputs: { video: fuse }\noptions: { path: enhanced/ }',
  check(options) {
    const folder = resolve(options.path);
    if (existsSync(folder) && !statSync(folder).isDirectory()) return [{ option: 'path', kind: 'output', message: `${folder} exists and is not a folder. Fix: choose a folder path` }];
    if (!existsSync(dirname(folder))) return [{ option: 'path', kind: 'output', message: `the parent of ${folder} does not exist. Fix: mkdir -p ${dirname(folder)}` }];
    return [];
  },
  create(ctx) {
    const folder = resolve(ctx.options.path);
    const suffix = ctx.options.suffix;
    let pending: string | undefined;
    return {
      async start() {
        mkdirSync(folder, { recursive: true });
      },
      async write(inputs) {
        const frame = inputs.video;
        const name = typeof frame.meta?.name === 'string' ? frame.meta.name : `frame-${String(frame.index + 1).padStart(6, '0')}`;
        const target = join(folder, `${name}${suffix}.png`);
        pending = join(folder, `.${name}${suffix}.partial-${process.pid}.png`);
        await encodePng(pending, { width: frame.width, height: frame.height, data: asBytes(frame, 'sink.images') });
        renameSync(pending, target);
        pending = undefined;
      },
      async finish() {
        return folder;
      },
      async abort() {
        if (pending) rmSync(pending, { force: true });
      },
    };
  },
});
