/**
 * source.gst — frames from any GStreamer pipeline that ends in `appsink`: a camera, an RTSP
 * stream, anything `decodebin` plays. The plugin converts to packed RGB before the appsink
 * (`… ! videoconvert ! video/x-raw,format=RGB ! appsink sync=false max-buffers=4 drop=false`, a
 * no-op when the stream already is RGB), plays the pipeline and waits up to `timeout` s for the
 * first frame, whose caps give size and frame rate; then it pulls frames until end of stream.
 *
 * `pts` is `index / framerate`, as in source.file: gstreamer-superficial 1.7.4 hands over a
 * buffer's bytes and caps but not its timestamps. For a stream with gaps (a live camera that drops
 * frames), add `videorate` before the appsink so that every slot holds a frame.
 *
 * ```yaml
 * - id: decode
 *   plugin: source.gst
 *   options: { pipeline: 'filesrc location=night.mp4 ! decodebin ! appsink' }
 * ```
 */
import type { Caps } from '../../core/caps.js';
import { KindPipeError } from '../../core/errors.js';
import type { FrameSet } from '../../core/frame.js';
import { defineSource } from '../../core/stage/plugin.js';
import type { GstAppSink, GstPipeline } from './binding.js';
import { describeBusError, PipelineBus } from './bus.js';
import { buildPipeline, pipelineProblems, requireBinding } from './gst-pipeline.js';
import { sourceLine } from './launch-lines.js';
import { parseFraction } from './rate.js';
import { unpadRows } from './rows.js';

interface Sample {
  buffer: Buffer;
  width: number;
  height: number;
  framerate: string;
}

export const sourceGst = defineSource({
  role: 'source',
  id: 'source.gst',
  description: 'Frames from a GStreamer pipeline ending in appsink (cameras, RTSP, anything decodebin plays)',
  options: {
    pipeline: { type: 'string', description: "gst-launch description ending in '! appsink', e.g. 'filesrc location=night.mp4 ! decodebin ! appsink'" },
    frames: { type: 'integer', description: 'stop after this many frames (0 = until end of stream)', default: 0, min: 0 },
    timeout: { type: 'number', description: 'seconds to wait for the first frame, and for each next one (0 = forever)', default: 10, min: 0 },
  },
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: 'rgb24 frames; pts = index / framerate' }],
  example: "plugin: source.gst\noptions: { pipeline: 'filesrc location=night.mp4 ! decodebin ! appsink' }",
  check(options) {
    const line = sourceLine(options.pipeline);
    if ('problem' in line) return [{ option: 'pipeline', message: `option 'pipeline' ${line.problem}` }];
    return pipelineProblems(line.description);
  },
  create(ctx) {
    const where = `node '${ctx.nodeId}' (source.gst)`;
    const limit = ctx.options.frames;
    const timeoutMs = ctx.options.timeout * 1000;
    let pipeline: GstPipeline | undefined;
    let bus: PipelineBus | undefined;
    let appsink: GstAppSink | undefined;
    let first: Uint8Array | undefined;
    let width = 0;
    let height = 0;
    let fps = 0;
    let stopped = false;

    const stop = () => {
      if (pipeline && !stopped) {
        stopped = true;
        pipeline.stop();
      }
    };

    /** The next sample, undefined at end of stream; throws on a pipeline error or a timeout. */
    const next = async (when: string): Promise<Sample | undefined> => {
      const pulled = new Promise<Sample | undefined>((resolve) =>
        appsink!.pull((buffer, caps) =>
          resolve(buffer ? { buffer, width: Number(caps.width), height: Number(caps.height), framerate: String(caps.framerate) } : undefined),
        ),
      );
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        if (timeoutMs > 0) timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      try {
        const got = await Promise.race([pulled, bus!.failed(), late]);
        if (got === 'late') {
          stop();
          throw new KindPipeError('input', `${where}: no frame within ${timeoutMs / 1000} s ${when}. Fix: check that the pipeline plays (gst-launch-1.0 with '! fakesink' in place of appsink), or raise option 'timeout'`);
        }
        if (got && 'element' in got) {
          stop();
          throw new KindPipeError('input', `${where} option 'pipeline': ${describeBusError(got)} ${when}`);
        }
        if (got) return got;
        if (stopped) return undefined; // stopped by dispose or the run's abort signal
        // End of stream; an error may be why, and its bus message may still be on its way.
        const ended = await bus!.ended(1000);
        if (ended && ended !== 'eos') throw new KindPipeError('input', `${where} option 'pipeline': ${describeBusError(ended)} ${when}`);
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    };

    return {
      async open(): Promise<Record<string, Caps>> {
        const binding = requireBinding(where);
        const line = sourceLine(ctx.options.pipeline);
        if ('problem' in line) throw new KindPipeError('config', `${where} option 'pipeline' ${line.problem}`);
        pipeline = buildPipeline(binding, line.description, where);
        appsink = pipeline.findChild(line.appsink) as GstAppSink | undefined;
        if (typeof appsink?.pull !== 'function') throw new KindPipeError('config', `${where} option 'pipeline': no appsink named '${line.appsink}' in '${line.description}'`);
        ctx.signal.addEventListener('abort', stop, { once: true });
        bus = PipelineBus.play(pipeline);
        const sample = await next('before the first frame');
        if (!sample) {
          stop();
          throw new KindPipeError('input', `${where}: the pipeline ended before its first frame. Fix: check its source (gst-launch-1.0 with '! fakesink' in place of appsink)`);
        }
        ({ width, height } = sample);
        fps = parseFraction(sample.framerate);
        if (!(fps > 0)) {
          stop();
          throw new KindPipeError('config', `${where} option 'pipeline': the stream has no fixed frame rate (framerate=${sample.framerate}), which encoders need. Fix: add '! videorate ! video/x-raw,framerate=25/1' before the appsink`);
        }
        first = unpadRows(sample.buffer, width, height);
        const durationS = pipeline.queryDuration();
        let frameCount = durationS > 0 ? Math.round(durationS * fps) : undefined;
        if (limit > 0) frameCount = Math.min(frameCount ?? limit, limit);
        ctx.log.info(`GStreamer: ${width}×${height} at ${sample.framerate} fps`);
        return { video: { kind: 'video', format: 'rgb24', width, height, stream: { fps, frameCount, origin: `GStreamer pipeline of node '${ctx.nodeId}'` } } };
      },
      async *frames(): AsyncGenerator<FrameSet> {
        let data = first;
        first = undefined;
        let index = 0;
        try {
          while (data) {
            yield { video: { index, pts: index / fps, width, height, channels: 3, data } };
            index++;
            if (limit > 0 && index >= limit) break;
            const sample = await next(`after frame ${index - 1}`);
            if (!sample) break;
            if (sample.width !== width || sample.height !== height) {
              throw new KindPipeError('input', `${where}: frame ${index} is ${sample.width}×${sample.height} but the stream started at ${width}×${height}. Fix: add '! videoscale ! video/x-raw,width=${width},height=${height}' before the appsink`);
            }
            data = unpadRows(sample.buffer, width, height);
          }
        } finally {
          stop();
        }
      },
      dispose() {
        ctx.signal.removeEventListener('abort', stop);
        stop();
      },
    };
  },
});
