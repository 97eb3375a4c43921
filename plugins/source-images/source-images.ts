/**
 * source.images — one image file, or every image in a folder (sorted by name), as frames: KinD's
 * own still-image use case. Images may differ in size; each frame carries its file name in
 * `meta.name` so sink.images can write the result under the same name.
 *
 * ```yaml
 * - id: photos
 *   plugin: source.images
 *   options: { path: shots/ }
 * ```
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import { decodeImage, imageExtensions, probeImage } from '../../core/media/still.js';
import { requireFfmpeg } from '../../core/media/tool.js';
import { defineSource } from '../../core/stage/plugin.js';


export const sourceImages = defineSource({
  role: 'source',
  id: 'source.images',
  description: 'Read an image file or a folder of images (png, jpg, bmp, tif, webp, ppm)',
  options: {
    path: { type: 'path', description: 'an image file, or a folder of images' },
  },
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'one rgb24 frame per image; size may vary' }],
  example: 'plugin: source.images\noptions: { path: shots/ }',
  check(options) {
    const path = options.path;
    if (!existsSync(path)) return [{ option: 'path', kind: 'input', message: `${path} does not exist. Fix: give an image file or a folder of images` }];
    return [];
  },
  create(ctx) {
    const path = ctx.options.path;
    let files: string[] = [];
    let sizes: { width: number; height: number }[] = [];
    return {
      async open(): Promise<Record<string, Caps>> {
        requireFfmpeg();
        files = statSync(path).isDirectory()
          ? readdirSync(path)
              .filter((f) => imageExtensions.includes(extname(f).toLowerCase()))
              .sort()
              .map((f) => join(path, f))
          : [path];
        if (files.length === 0) throw new KindPipeError('input', `${path} holds no images (${imageExtensions.join(', ')}). Fix: point 'path' at a folder with images`);
        sizes = [];
        for (const file of files) sizes.push(await probeImage(file));
        const fixed = sizes.every((s) => s.width === sizes[0].width && s.height === sizes[0].height);
        return {
          video: {
            kind: 'video',
            format: 'rgb24',
            width: fixed ? sizes[0].width : null,
            height: fixed ? sizes[0].height : null,
            stream: { fps: 1, frameCount: files.length, origin: path },
          },
        };
      },
      async *frames(): AsyncGenerator<FrameSet> {
        for (const [index, file] of files.entries()) {
          const still = await decodeImage(file, sizes[index]);
          yield { video: { index, pts: index, width: still.width, height: still.height, channels: 3, data: still.data, meta: { name: basename(file, extname(file)) } } };
        }
      },
      dispose() {},
    };
  },
});
