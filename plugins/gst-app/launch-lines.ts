/**
 * The descriptions source.gst and sink.gst hand to GStreamer: the user's own, with the appsink or
 * appsrc end rewritten so that frames are RGB of known size and flow with backpressure.
 */
import { formatSegment, parseSegment, property, quote, splitLinks, withoutProperty, type Segment } from './description.js';

export const defaultSinkName = 'kindpipe_sink';
export const defaultSrcName = 'kindpipe_src';

export interface SourceLine {
  description: string;
  appsink: string;
}

/**
 * `… ! appsink …` becomes `… ! videoconvert ! video/x-raw,format=RGB ! appsink name=… sync=false
 * max-buffers=4 drop=false …`: whatever the pipeline produces is converted to packed RGB (a no-op
 * when it already is), and a full appsink blocks upstream instead of dropping frames. The user's
 * own appsink properties come last, so they win (e.g. `sync=true` for real-time playback).
 */
export function sourceLine(user: string): SourceLine | { problem: string } {
  const parts = splitLinks(user);
  const last = parseSegment(parts[parts.length - 1]);
  if (last.head !== 'appsink') {
    return { problem: `must end in '! appsink' (it ends in '${last.head || '(nothing)'}'): kind-pipe reads the frames from that appsink. Fix: append ' ! appsink' (put any tee branches before it)` };
  }
  if (parts.length < 2) return { problem: "has nothing before appsink. Fix: start with a source, e.g. 'filesrc location=night.mp4 ! decodebin ! appsink'" };
  if (property(last, 'caps') !== undefined) {
    return { problem: "sets caps on the appsink; source.gst sets them itself (video/x-raw,format=RGB). Fix: remove caps=…, and put a caps filter such as 'video/x-raw,width=640,height=360' before the appsink instead" };
  }
  const appsink = property(last, 'name') ?? defaultSinkName;
  const own = withoutProperty(last, 'name');
  const end: Segment = { head: 'appsink', properties: [`name=${appsink}`, 'sync=false', 'max-buffers=4', 'drop=false', 'emit-signals=false', ...own.properties] };
  return { description: [...parts.slice(0, -1), 'videoconvert', 'video/x-raw,format=RGB', formatSegment(end)].join(' ! '), appsink };
}

export interface SinkLine {
  description: string;
  appsrc: string;
  /** The filesink's location as the user wrote it, when there is exactly one filesink. */
  location?: string;
}

export interface SinkFormat {
  width: number;
  height: number;
  /** e.g. `25/1`, `30000/1001` */
  framerate: string;
  maxBytes: number;
  /** Where the filesink writes instead of its location (a temp name, renamed at the end). */
  writeTo?: string;
}

/**
 * `appsrc … ! rest` becomes `appsrc name=… format=time block=true max-bytes=… … caps="video/x-raw,
 * format=RGB,…" ! videorate ! rest`. `videorate` gives each buffer its duration (the binding's
 * push() sets only the pts; without a duration mp4mux drops the last frame). A single filesink may
 * be pointed at `writeTo`.
 */
export function sinkLine(user: string, format: SinkFormat): SinkLine | { problem: string } {
  const parts = splitLinks(user);
  const first = parseSegment(parts[0]);
  if (first.head !== 'appsrc') {
    return { problem: `must start with 'appsrc' (it starts with '${first.head || '(nothing)'}'): kind-pipe pushes the frames into that appsrc. Fix: begin with 'appsrc ! videoconvert ! …'` };
  }
  if (parts.length < 2) return { problem: "has nothing after appsrc. Fix: continue it, e.g. 'appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4'" };
  if (property(first, 'caps') !== undefined) {
    return { problem: "sets caps on the appsrc; sink.gst sets them from the frames it receives (RGB, their size and rate). Fix: remove caps=…, and convert after it (e.g. '! videoconvert ! videoscale ! video/x-raw,width=640,height=360')" };
  }
  const appsrc = property(first, 'name') ?? defaultSrcName;
  const caps = `video/x-raw,format=RGB,width=${format.width},height=${format.height},framerate=${format.framerate},pixel-aspect-ratio=1/1`;
  const start: Segment = {
    head: 'appsrc',
    properties: [`name=${appsrc}`, 'format=time', 'is-live=false', 'block=true', `max-bytes=${format.maxBytes}`, ...withoutProperty(first, 'name').properties, `caps=${quote(caps)}`],
  };
  const rest = parts.slice(1).map(parseSegment);
  const filesinks = rest.filter((s) => s.head === 'filesink');
  const location = filesinks.length === 1 ? property(filesinks[0], 'location') : undefined;
  const body = rest.map((s) => (location !== undefined && format.writeTo && s === filesinks[0] ? { head: s.head, properties: [...withoutProperty(s, 'location').properties, `location=${quote(format.writeTo)}`] } : s));
  return { description: [formatSegment(start), 'videorate', ...body.map(formatSegment)].join(' ! '), appsrc, location };
}
