/**
 * sink.gst — pushes frames into any GStreamer pipeline that starts with `appsrc`: an encoder and
 * muxer into a file, an RTSP/UDP sender, a window. The appsrc gets its caps from the frames that
 * arrive (RGB, their size and rate), `format=time` and `block=true max-bytes=` `queue` frames;
 * a write waits (without holding the event loop) while the appsrc is full, so a slow encoder slows
 * the run instead of filling memory. Each frame carries its pts; `videorate` after the appsrc
 * gives buffers their duration. At the end it sends end-of-stream and waits up to `timeout` s for
 * the pipeline to finish writing.
 *
 * With exactly one `filesink`, the file is written under a hidden temp name beside `location` and
 * renamed at the end: a failed or stopped run leaves nothing under the final name and deletes the
 * temp file. Other sinks (multifilesink, splitmuxsink, network sinks) keep what GStreamer wrote.
 *
 * ```yaml
 * - id: encode
 *   plugin: sink.gst
 *   inputs: { video: enhance }
 *   options: { pipeline: 'appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4' }
 * ```
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import { asBytes } from '../../core/frame.js';
import { defineSink } from '../../core/stage/plugin.js';
import type { GstAppSrc, GstPipeline } from './binding.js';
import { describeBusError, PipelineBus, type BusError } from './bus.js';
import { buildPipeline, pipelineProblems, requireBinding } from './gst-pipeline.js';
import { sinkLine } from './launch-lines.js';
import { toFraction } from './rate.js';
import { padRows, rgbStride } from './rows.js';

export const sinkGst = defineSink({
  role: 'sink',
  id: 'sink.gst',
  description: 'Push frames into a GStreamer pipeline starting with appsrc (encode, stream, display)',
  options: {
    pipeline: { type: 'string', description: "gst-launch description starting with 'appsrc', e.g. 'appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4'" },
    queue: { type: 'integer', description: 'frames the appsrc holds before a write waits (backpressure)', default: 4, min: 1, max: 64 },
    timeout: { type: 'number', description: 'seconds to wait for the pipeline to take a frame, and at the end to finish writing', default: 60, min: 1 },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video', fixedSize: true }, description: 'frames to push' }],
  example: "plugin: sink.gst\ninputs: { video: enhance }\noptions: { pipeline: 'appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4' }",
  check(options) {
    const line = sinkLine(options.pipeline, { width: 16, height: 16, framerate: '25/1', maxBytes: 4 * 16 * 48 });
    if ('problem' in line) return [{ option: 'pipeline', message: `option 'pipeline' ${line.problem}` }];
    if (line.location !== undefined) {
      const folder = dirname(resolve(line.location));
      if (!existsSync(folder) || !statSync(folder).isDirectory()) {
        return [{ option: 'pipeline', message: `option 'pipeline': filesink location ${resolve(line.location)}: folder ${folder} does not exist. Fix: mkdir -p ${folder}, or choose another location` }];
      }
    }
    return pipelineProblems(line.description);
  },
  create(ctx) {
    const where = `node '${ctx.nodeId}' (sink.gst)`;
    const user = ctx.options.pipeline;
    const timeoutMs = ctx.options.timeout * 1000;
    let pipeline: GstPipeline | undefined;
    let bus: PipelineBus | undefined;
    let appsrc: GstAppSrc | undefined;
    let finalPath: string | undefined;
    let tempPath: string | undefined;
    let width = 0;
    let height = 0;
    let frameBytes = 0;
    let maxBytes = 0;
    let padded = new Uint8Array(0);
    const pts = Buffer.alloc(8);
    let written = 0;
    let stopped = false;

    const stop = () => {
      if (pipeline && !stopped) {
        stopped = true;
        pipeline.stop();
      }
    };
    const failure = (error: BusError | string) =>
      new KindPipeError('output', `${where}${typeof error === 'string' ? `: ${error}` : ` option 'pipeline': ${describeBusError(error)}`} (after ${written} frames)`);
    const level = () => Number(appsrc!['current-level-bytes']);

    return {
      async start(caps: Record<string, Caps>) {
        const binding = requireBinding(where);
        const video = caps.video;
        ({ width, height } = video as { width: number; height: number });
        frameBytes = rgbStride(width) * height;
        maxBytes = ctx.options.queue * frameBytes;
        if (rgbStride(width) !== width * 3) padded = new Uint8Array(frameBytes);
        const probe = sinkLine(user, { width, height, framerate: '1/1', maxBytes });
        if ('problem' in probe) throw new KindPipeError('config', `${where} option 'pipeline' ${probe.problem}`);
        if (probe.location !== undefined) {
          finalPath = resolve(probe.location);
          const ext = extname(finalPath);
          tempPath = join(dirname(finalPath), `.${basename(finalPath, ext)}.partial-${process.pid}${ext}`);
        }
        const line = sinkLine(user, { width, height, framerate: toFraction(video.stream.fps), maxBytes, writeTo: tempPath });
        if ('problem' in line) throw new KindPipeError('config', `${where} option 'pipeline' ${line.problem}`);
        pipeline = buildPipeline(binding, line.description, where);
        appsrc = pipeline.findChild(line.appsrc) as GstAppSrc | undefined;
        if (typeof appsrc?.push !== 'function') throw new KindPipeError('config', `${where} option 'pipeline': no appsrc named '${line.appsrc}' in '${line.description}'`);
        bus = PipelineBus.play(pipeline);
      },
      async write(inputs) {
        const frame = inputs.video;
        if (frame.width !== width || frame.height !== height) throw failure(`frame ${frame.index} is ${frame.width}×${frame.height}, the pipeline was set up for ${width}×${height}`);
        const data = padRows(asBytes(frame, 'sink.gst'), width, height, padded);
        // Wait here while the appsrc is full: push() with block=true would hold the event loop.
        const since = performance.now();
        while (level() + frameBytes > maxBytes) {
          if (bus!.error) throw failure(bus!.error);
          if (performance.now() - since > timeoutMs) throw failure(`the pipeline took no frame for ${timeoutMs / 1000} s. Fix: check its elements, or raise option 'timeout'`);
          await sleep(1);
        }
        if (bus!.error) throw failure(bus!.error);
        pts.writeBigUInt64BE(BigInt(Math.round(Math.max(0, frame.pts) * 1e9)));
        appsrc!.push(data, pts);
        written++;
      },
      async finish() {
        if (bus!.error) throw failure(bus!.error);
        pipeline!.sendEOS();
        const ended = await bus!.ended(timeoutMs);
        stop();
        if (ended !== 'eos') {
          if (tempPath) rmSync(tempPath, { force: true });
          throw failure(ended ?? `the pipeline did not finish within ${timeoutMs / 1000} s of end-of-stream. Fix: raise option 'timeout', or check that its last element handles end-of-stream`);
        }
        if (tempPath && finalPath) {
          renameSync(tempPath, finalPath);
          return finalPath;
        }
        return `GStreamer pipeline of node '${ctx.nodeId}'`;
      },
      async abort() {
        stop();
        if (tempPath) rmSync(tempPath, { force: true });
      },
    };
  },
});
